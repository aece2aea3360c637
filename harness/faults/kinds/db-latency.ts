import { defineFaultKind } from '../fault-kind.ts';
import { msParam, proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * Latency between the target and its database (a `latency` toxic on the `db` proxy). The target can
 * only be slow until the database is fast again, so recovery counts from removal.
 */
export const dbLatency = defineFaultKind({
  kind: 'db-latency',
  params: { proxy: proxyParam('db'), latencyMs: msParam, jitterMs: msParam.default(0), stream: streamParam },
  recoveryAnchor: 'removal',
  describe: (p) => `+${p.latencyMs} ms${p.jitterMs ? ` ±${p.jitterMs} ms` : ''} database latency (proxy ${p.proxy}, ${p.stream})`,
  touches: (p) => [toxicTouch(p, 'latency', `latency=${p.latencyMs}ms jitter=${p.jitterMs}ms`)],
  create: (event, ctx) =>
    toxicDriver(event, ctx, { proxy: event.params.proxy, type: 'latency', stream: event.params.stream, attributes: { latency: event.params.latencyMs, jitter: event.params.jitterMs } }),
});
