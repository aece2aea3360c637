import * as z from 'zod';
import type { HogObservation } from '../../contract/fault-observation.ts';
import { defineFaultKind } from '../fault-kind.ts';
import { startHelper } from '../helper-process.ts';
import type { HelperProcess } from '../helper-process.ts';

/**
 * `processes` helper processes, each busy for `dutyPercent` of every 100 ms: that many cores loaded.
 * A well-provisioned target keeps serving under CPU contention, so recovery counts from injection.
 */
export const cpuHog = defineFaultKind({
  kind: 'cpu-hog',
  params: {
    processes: z.number().int().min(1).max(256).default(1),
    dutyPercent: z.number().int().min(1).max(100).default(100),
  },
  recoveryAnchor: 'injection',
  describe: (p) => `${p.processes} CPU hog process(es) at ${p.dutyPercent}% duty`,
  touches: (p) => [{ category: 'process', text: `starts ${p.processes} CPU hog process(es) at ${p.dutyPercent}% duty, kills them after` }],
  create(event, ctx) {
    const p = event.params;
    let hogs: HelperProcess[] = [];
    let seen: HogObservation | null = null;
    return {
      async inject() {
        const maxLifetimeMs = event.removeAtMs - event.injectAtMs + 10 * 60_000;
        const started = await Promise.allSettled(
          Array.from({ length: p.processes }, (_, i) =>
            startHelper('cpu-hog', { dutyPercent: p.dutyPercent, maxLifetimeMs }, { ctx, fault: event.name, label: `cpu hog ${i + 1}/${p.processes}` }),
          ),
        );
        hogs = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (failed) throw failed.reason;
        ctx.log(`${event.name}: cpu hogs ${hogs.map((h) => h.pid).join(', ')}`);
      },
      async remove() {
        const all = hogs;
        hogs = [];
        await Promise.all(all.map((h) => h.stop()));
        if (all.length === 0) return;
        // Each hog's own CPU time, reported as it stopped: the load really applied (null if none reported).
        const reported = all.map((h) => h.report()?.cpuSeconds).filter((v): v is number => typeof v === 'number');
        const cpuSeconds = reported.length === 0 ? null : Math.round(reported.reduce((a, b) => a + b, 0) * 1000) / 1000;
        seen = { source: 'hog', resource: 'cpu', where: 'host', processes: all.length, cpuSeconds, bytesTouched: null };
      },
      observation: () => seen,
    };
  },
});
