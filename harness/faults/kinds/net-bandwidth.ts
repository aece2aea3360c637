import { defineFaultKind } from '../fault-kind.ts';
import { msParam, proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/** Caps each connection's throughput (Toxiproxy `bandwidth`, KB/s). */
export const netBandwidth = defineFaultKind({
  kind: 'net-bandwidth',
  params: { proxy: proxyParam('api'), rateKBps: msParam.meta({ description: 'Throughput cap in KB/s (Toxiproxy bandwidth rate).' }), stream: streamParam },
  recoveryAnchor: 'removal',
  describe: (p) => `bandwidth capped at ${p.rateKBps} KB/s on proxy ${p.proxy} (${p.stream})`,
  touches: (p) => [toxicTouch(p, 'bandwidth', `rate=${p.rateKBps}KB/s`)],
  create: (event, ctx) => toxicDriver(event, ctx, { proxy: event.params.proxy, type: 'bandwidth', stream: event.params.stream, attributes: { rate: event.params.rateKBps } }),
});
