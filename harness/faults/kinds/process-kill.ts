import * as z from 'zod';
import { durationSchema, formatDuration } from '../../core/duration.ts';
import { StresslabError } from '../../core/stresslab-error.ts';
import { defineFaultKind } from '../fault-kind.ts';
import type { ManagedProcess } from '../fault-kind.ts';
import type { ProcessObservation } from '../../contract/fault-observation.ts';
import { identify, isAlive } from '../../../process-kit/process-identity.ts';
import type { ProcessIdentity } from '../../../process-kit/process-identity.ts';

/**
 * SIGKILL/SIGTERM of the managed target, restarted `restartAfter` after the kill or at removal; or of
 * a given pid, never restarted (the harness cannot start what it does not own). Recovery includes
 * the restart, so it counts from injection.
 */
export const processKill = defineFaultKind({
  kind: 'process-kill',
  params: {
    signal: z.enum(['SIGKILL', 'SIGTERM']).default('SIGKILL'),
    restartAfter: durationSchema.optional().meta({ description: 'Restart a managed target this long after the kill (default: at removal).' }),
    pid: z.number().int().positive().optional().meta({ description: 'Kill this pid instead of the managed target (never restarted).' }),
  },
  resolve: ({ restartAfter, ...p }) => ({ ...p, restartAfterMs: restartAfter ?? null }),
  scale: (p, factor) => (p.restartAfterMs === null ? p : { ...p, restartAfterMs: Math.round(p.restartAfterMs * factor) }),
  recoveryAnchor: 'injection',
  describe: (p) =>
    p.pid !== undefined
      ? `${p.signal} pid ${p.pid} (not restarted)`
      : `${p.signal} the target, restarted ${p.restartAfterMs !== null ? `${formatDuration(p.restartAfterMs)} later` : 'at removal'}`,
  touches: (p) => [
    {
      category: 'process',
      text: `sends ${p.signal} to ${p.pid === undefined ? 'the managed target' : `pid ${p.pid}`}${p.pid === undefined ? `, restarts it ${p.restartAfterMs === null ? 'at removal' : `after ${formatDuration(p.restartAfterMs)}`}` : ' (never restarted)'}`,
    },
  ],
  create(event, ctx) {
    const p = event.params;
    let timer: NodeJS.Timeout | null = null;
    let restarting: Promise<void> | null = null;
    let killed: ManagedProcess | null = null;
    let given: ProcessIdentity | null = null;
    const seen: ProcessObservation = { source: 'process', action: 'kill', pid: p.pid ?? null, restartedPid: null, exited: null, stopped: null };
    const restart = (): Promise<void> => {
      restarting ??= killed === null ? Promise.resolve() : restartManaged(killed, ctx.log).then((pid) => {
        seen.exited = true;
        seen.restartedPid = pid;
      });
      return restarting;
    };
    return {
      async inject() {
        if (p.pid !== undefined) {
          given = identify(p.pid);
          killPid(p.pid, p.signal);
          ctx.log(`${event.name}: sent ${p.signal} to pid ${p.pid}`);
          return;
        }
        const managed = ctx.target.managed;
        seen.pid = managed?.pid ?? null;
        if (managed === null || !managed.signal(p.signal)) {
          throw new StresslabError('FAULT_FAILED', 'process-kill needs a running managed target', {
            hint: 'Use a target the harness starts (target.url "embedded", or target.start), or give the fault a pid.',
          });
        }
        killed = managed;
        ctx.log(`${event.name}: sent ${p.signal} to the target (pid ${seen.pid})`);
        if (p.restartAfterMs !== null) {
          timer = setTimeout(() => void restart().catch((e: unknown) => ctx.log(`${event.name}: restart failed: ${(e as Error).message}`)), p.restartAfterMs);
        }
      },
      async remove() {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        if (given !== null && seen.exited === null) seen.exited = !isAlive(given);
        await restart();
      },
      observation: () => (given === null && killed === null ? null : seen),
    };
  },
});

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

/**
 * After SIGTERM the target drains for up to its grace period; it must be gone before it is started
 * again (same port). Resolves with the new pid.
 */
async function restartManaged(managed: ManagedProcess, log: (msg: string) => void): Promise<number | null> {
  const deadline = Date.now() + 15_000;
  while (managed.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (managed.running) {
    managed.signal('SIGKILL');
    while (managed.running) await new Promise((r) => setTimeout(r, 25));
  }
  await managed.start();
  log(`target restarted (pid ${managed.pid})`);
  return managed.pid;
}
