import { StresslabError } from '../core/stresslab-error.ts';
import { forkModule } from '../core/process/module-child.ts';

export interface ToxiproxyChild {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the embedded Toxiproxy in a child process and resolves with its API URL. `marker` (a run
 * marker) goes into its argv: it exits when its run's IPC channel closes, and cleanup finds it by the
 * marker should it not.
 */
export function startToxiproxyChild(timeoutMs = 20_000, marker?: string): Promise<ToxiproxyChild> {
  const proc = forkModule('harness/toxiproxy/child-main', 2_000, marker === undefined ? [] : [marker]);
  const { child } = proc;
  return new Promise((resolve, reject) => {
    let started = false;
    const fail = (why: string) => {
      if (started) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new StresslabError('TOXIPROXY_UNREACHABLE', `the embedded Toxiproxy did not start: ${why}`, { hint: proc.stderrTail() || 'run `stresslab toxiproxy --port 0` to see it start on its own' }));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code) => fail(`it exited with code ${code}`));
    child.on('message', (m: unknown) => {
      const msg = m as { event?: string; url?: string };
      if (msg.event !== 'listening' || typeof msg.url !== 'string') return;
      clearTimeout(timer);
      started = true;
      resolve({ url: msg.url, pid: child.pid ?? -1, stop: () => proc.stop(5_000) });
    });
  });
}
