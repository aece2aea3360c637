import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** Each connection closes after `bytes` bytes (Toxiproxy `limit_data`): truncated responses. */
export const netLimitData: FaultKindModule<'net-limit-data'> = {
  kind: 'net-limit-data',
  describe: (p) => `connections cut after ${p.bytes} B on proxy ${p.proxy} (${p.stream})`,
  create(event, ctx) {
    const p = paramsOf(event, 'net-limit-data');
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'limit_data', stream: p.stream, attributes: { bytes: p.bytes } });
  },
};
