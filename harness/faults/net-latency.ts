import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** Every chunk through the proxy waits latencyMs ± jitterMs (Toxiproxy `latency`). */
export const netLatency: FaultKindModule<'net-latency'> = {
  kind: 'net-latency',
  describe: (p) => `+${p.latencyMs} ms${p.jitterMs ? ` ±${p.jitterMs} ms` : ''} latency on proxy ${p.proxy} (${p.stream})`,
  create(event, ctx) {
    const p = paramsOf(event, 'net-latency');
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'latency', stream: p.stream, attributes: { latency: p.latencyMs, jitter: p.jitterMs } });
  },
};
