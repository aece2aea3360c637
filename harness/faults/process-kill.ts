import { durationMs } from '../core/duration.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { FaultKindModule, ManagedProcess } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';

/**
 * SIGKILL/SIGTERM of the managed target, restarted `restartAfter` after the kill or at removal; or of
 * a given pid, never restarted (the harness cannot start what it does not own).
 */
export const processKill: FaultKindModule<'process-kill'> = {
  kind: 'process-kill',
  describe: (p) =>
    p.pid !== undefined
      ? `${p.signal} pid ${p.pid} (not restarted)`
      : `${p.signal} the target, restarted ${p.restartAfter ? `${p.restartAfter} later` : 'at removal'}`,
  create(event, ctx) {
    const p = paramsOf(event, 'process-kill');
    let timer: NodeJS.Timeout | null = null;
    let restarting: Promise<void> | null = null;
    let killed: ManagedProcess | null = null;
    const restart = (): Promise<void> => {
      restarting ??= killed === null ? Promise.resolve() : restartManaged(killed, ctx.log);
      return restarting;
    };
    return {
      async inject() {
        if (p.pid !== undefined) {
          killPid(p.pid, p.signal);
          ctx.log(`${event.name}: sent ${p.signal} to pid ${p.pid}`);
          return;
        }
        const managed = ctx.target.managed;
        if (managed === null || !managed.signal(p.signal)) {
          throw new StresslabError('FAULT_FAILED', 'process-kill needs a running managed target', {
            hint: 'Use the embedded target (target.url "embedded"), or give the fault a pid.',
          });
        }
        killed = managed;
        ctx.log(`${event.name}: sent ${p.signal} to the target (pid ${managed.pid})`);
        if (p.restartAfter !== undefined) {
          timer = setTimeout(() => void restart().catch((e: unknown) => ctx.log(`${event.name}: restart failed: ${(e as Error).message}`)), durationMs(p.restartAfter));
        }
      },
      async remove() {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        await restart();
      },
    };
  },
};

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    throw new StresslabError('FAULT_FAILED', `Cannot send ${signal} to pid ${pid}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'Check the pid exists and belongs to the user running stresslab.',
      cause: e,
    });
  }
}

/** After SIGTERM the target drains for up to its grace period; it must be gone before it is started again (same port). */
async function restartManaged(managed: ManagedProcess, log: (msg: string) => void): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (managed.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (managed.running) {
    managed.signal('SIGKILL');
    while (managed.running) await new Promise((r) => setTimeout(r, 25));
  }
  await managed.start();
  log(`target restarted (pid ${managed.pid})`);
}
