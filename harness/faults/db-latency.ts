import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** Latency between the target and its database (a `latency` toxic on the `db` proxy). */
export const dbLatency: FaultKindModule<'db-latency'> = {
  kind: 'db-latency',
  describe: (p) => `+${p.latencyMs} ms${p.jitterMs ? ` ±${p.jitterMs} ms` : ''} database latency (proxy ${p.proxy}, ${p.stream})`,
  create(event, ctx) {
    const p = paramsOf(event, 'db-latency');
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'latency', stream: p.stream, attributes: { latency: p.latencyMs, jitter: p.jitterMs } });
  },
};
