import { defineFaultKind } from '../fault-kind.ts';
import { msParam, proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * Connections are reset (TCP RST) after timeoutMs (Toxiproxy `reset_peer`). Clients that retry and
 * reconnect survive it, so recovery counts from injection.
 */
export const netReset = defineFaultKind({
  kind: 'net-reset',
  params: { proxy: proxyParam('api'), timeoutMs: msParam.default(0).meta({ description: 'Reset connections after this long (reset_peer).' }), stream: streamParam },
  recoveryAnchor: 'injection',
  describe: (p) => `connections reset${p.timeoutMs ? ` after ${p.timeoutMs} ms` : ''} on proxy ${p.proxy} (${p.stream})`,
  touches: (p) => [toxicTouch(p, 'reset_peer', `timeout=${p.timeoutMs}ms`)],
  create: (event, ctx) => toxicDriver(event, ctx, { proxy: event.params.proxy, type: 'reset_peer', stream: event.params.stream, attributes: { timeout: event.params.timeoutMs } }),
});
