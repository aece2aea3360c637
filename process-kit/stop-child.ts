import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child process: sends each step's signal and waits up to its grace period for the exit,
 * then SIGKILL as the last resort. Resolves once the child has exited; at once if it already had.
 */
export async function stopChild(child: ChildProcess, steps: readonly (readonly [NodeJS.Signals, number])[]): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const [signal, graceMs] of steps) {
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, graceMs, true)))]);
    clearTimeout(timer);
    if (!timedOut) return;
  }
  child.kill('SIGKILL');
  await exited;
}
