import { z } from 'zod';
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
      },
    };
  },
});
