import { fork, type ChildProcess } from 'node:child_process';
import { stopChild } from '../../../process-kit/stop-child.ts';
import { loaderArgsFor, moduleFile } from './module-entry.ts';

export interface ModuleChild {
  child: ChildProcess;
  /** The last characters the child wrote to stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Forks one of stresslab's modules (an id for moduleFile: `harness/toxiproxy/child-main`) as a child
 * process of a run, with an IPC channel (so the child can exit when the run goes away, even on
 * SIGKILL), stdout ignored and stderr kept for errors. `args` go to its argv (a run marker, so
 * cleanup can find it after a SIGKILL).
 */
export function forkModule(id: string, stderrLimit = 2_000, args: readonly string[] = []): ModuleChild {
  const file = moduleFile(id);
  const child = fork(file, [...args], { execArgv: loaderArgsFor(file), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-stderrLimit)));
  return {
    child,
    stderrTail: () => stderr,
    stop: (graceMs) => stopChild(child, [['SIGTERM', graceMs]]),
  };
}
