import * as z from 'zod';
import { StresslabError } from '../../core/stresslab-error.ts';
import { defineFaultKind } from '../fault-kind.ts';
import { identify, readProcStat, signalIdentified } from '../../../process-kit/process-identity.ts';
import type { ProcessIdentity } from '../../../process-kit/process-identity.ts';
import { groupMembers, signalGroupIdentified } from '../../../process-kit/process-group.ts';
import type { ProcessObservation } from '../../contract/fault-observation.ts';

const STOP_WAIT_MS = 2_000;

/**
 * Polls /proc until the process (with `group`, every process of its group) is in state T (stopped)
 * or t (traced); true at once where /proc is absent.
 */
async function stoppedWithin(pid: number, group: boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = group ? (groupMembers(pid) ?? [pid]) : [pid];
    const states = pids.map((x) => readProcStat(x)?.state);
    if (states.every((state) => state === undefined || state === 'T' || state === 't')) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * SIGSTOP of the target (or a pid), SIGCONT at removal: a process that hangs without dying. A
 * managed target is paused as a whole process group (a shell's or npm's children too). A stopped
 * process cannot answer until it is resumed, so recovery counts from removal.
 */
export const processPause = defineFaultKind({
  kind: 'process-pause',
  params: { pid: z.number().int().positive().optional().meta({ description: 'Pause this pid instead of the managed target.' }) },
  recoveryAnchor: 'removal',
  describe: (p) => `pause ${p.pid !== undefined ? `pid ${p.pid}` : 'the target'} (SIGSTOP … SIGCONT)`,
  touches: (p) => [{ category: 'process', text: `pauses ${p.pid === undefined ? 'the managed target' : `pid ${p.pid}`} (SIGSTOP), resumes it (SIGCONT) after` }],
  create(event, ctx) {
    const p = event.params;
    let paused: ProcessIdentity | null = null;
    // The managed target leads its own process group (fault-kind.ts): all of it pauses; a given pid alone.
    const group = p.pid === undefined;
    let seen: ProcessObservation | null = null;
    return {
      async inject() {
        const pid = p.pid ?? ctx.target.managed?.pid ?? null;
        if (pid === null) {
          throw new StresslabError('FAULT_FAILED', 'process-pause needs a running managed target or a pid', {
            hint: 'Use a target the harness starts (target.url "embedded", or target.start), or give the fault a pid.',
          });
        }
        const id = identify(pid);
        await ctx.ledger.intend(event.name, { kind: 'resume-process', ...id, ...(group ? { group } : {}) });
        paused = id;
        if (!(group ? signalGroupIdentified(id, 'SIGSTOP') : signalIdentified(id, 'SIGSTOP'))) throw new StresslabError('FAULT_FAILED', `pid ${pid} is not running`, { hint: 'Check the pid.' });
        // SIGSTOP is delivered when the kernel next schedules the process; on a busy machine that can
        // be many milliseconds later, and the fault window (and TTD) must start when the pause holds.
        const stopped = await stoppedWithin(pid, group, STOP_WAIT_MS);
        if (!stopped) ctx.log(`${event.name}: pid ${pid} not reported stopped after ${STOP_WAIT_MS} ms; continuing`);
        seen = { source: 'process', action: 'pause', pid, restartedPid: null, exited: null, stopped: readProcStat(pid) === null ? null : stopped };
        ctx.log(`${event.name}: paused pid ${pid}`);
      },
      async remove() {
        if (paused === null) return;
        if (group) signalGroupIdentified(paused, 'SIGCONT');
        else signalIdentified(paused, 'SIGCONT');
        paused = null;
      },
      observation: () => seen,
    };
  },
});
