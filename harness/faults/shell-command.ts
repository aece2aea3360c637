export interface ShellResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const keepChars = 8_000;

/**
 * Runs a command with /bin/sh -c in its own process group, so a timeout kills the whole pipeline
 * (kubectl, docker…), not just the shell.
 */
export function runShell(command: string, opts: { timeoutMs: number; cwd: string; env?: NodeJS.ProcessEnv }): Promise<ShellResult> {
  return new Promise((resolve) => {
    // Loaded here, not imported: fault kinds that shell out are loaded by `validate` and `plan` too (docs/startup.md).
    const child = process.getBuiltinModule('node:child_process').spawn('/bin/sh', ['-c', command], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (stdout = (stdout + c.toString()).slice(-keepChars)));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-keepChars)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, opts.timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    };
    child.once('error', (e) => {
      stderr += e.message;
      finish(null, null);
    });
    child.once('close', finish);
  });
}
