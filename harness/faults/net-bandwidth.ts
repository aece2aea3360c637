import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** Caps each connection's throughput (Toxiproxy `bandwidth`, KB/s). */
export const netBandwidth: FaultKindModule<'net-bandwidth'> = {
  kind: 'net-bandwidth',
  describe: (p) => `bandwidth capped at ${p.rateKBps} KB/s on proxy ${p.proxy} (${p.stream})`,
  create(event, ctx) {
    const p = paramsOf(event, 'net-bandwidth');
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'bandwidth', stream: p.stream, attributes: { rate: p.rateKBps } });
  },
};
