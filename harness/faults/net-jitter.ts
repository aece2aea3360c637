import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** Latency that varies: latencyMs ± jitterMs, chosen per chunk (Toxiproxy `latency` with jitter). */
export const netJitter: FaultKindModule<'net-jitter'> = {
  kind: 'net-jitter',
  describe: (p) => `±${p.jitterMs} ms jitter around ${p.latencyMs} ms on proxy ${p.proxy} (${p.stream})`,
  create(event, ctx) {
    const p = paramsOf(event, 'net-jitter');
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'latency', stream: p.stream, attributes: { latency: p.latencyMs, jitter: p.jitterMs } });
  },
};
