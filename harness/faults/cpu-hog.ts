import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { startHelper } from './helper-process.ts';
import type { HelperProcess } from './helper-process.ts';

/** `processes` helper processes, each busy for `dutyPercent` of every 100 ms: that many cores loaded. */
export const cpuHog: FaultKindModule<'cpu-hog'> = {
  kind: 'cpu-hog',
  describe: (p) => `${p.processes} CPU hog process(es) at ${p.dutyPercent}% duty`,
  create(event, ctx) {
    const p = paramsOf(event, 'cpu-hog');
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
};
