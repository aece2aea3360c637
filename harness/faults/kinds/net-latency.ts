import { defineFaultKind } from '../fault-kind.ts';
import { msParam, proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * Every chunk through the proxy waits latencyMs ± jitterMs (Toxiproxy `latency`). Traffic through
 * the proxy cannot be healthy while the toxic is there, so recovery counts from removal.
 */
export const netLatency = defineFaultKind({
  kind: 'net-latency',
  params: { proxy: proxyParam('api'), latencyMs: msParam, jitterMs: msParam.default(0), stream: streamParam },
  recoveryAnchor: 'removal',
  describe: (p) => `+${p.latencyMs} ms${p.jitterMs ? ` ±${p.jitterMs} ms` : ''} latency on proxy ${p.proxy} (${p.stream})`,
  touches: (p) => [toxicTouch(p, 'latency', `latency=${p.latencyMs}ms jitter=${p.jitterMs}ms`)],
  create: (event, ctx) =>
    toxicDriver(event, ctx, { proxy: event.params.proxy, type: 'latency', stream: event.params.stream, attributes: { latency: event.params.latencyMs, jitter: event.params.jitterMs } }),
});
