import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** Connections are reset (TCP RST) after timeoutMs (Toxiproxy `reset_peer`). */
export const netReset: FaultKindModule<'net-reset'> = {
  kind: 'net-reset',
  describe: (p) => `connections reset${p.timeoutMs ? ` after ${p.timeoutMs} ms` : ''} on proxy ${p.proxy} (${p.stream})`,
  create(event, ctx) {
    const p = paramsOf(event, 'net-reset');
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'reset_peer', stream: p.stream, attributes: { timeout: p.timeoutMs } });
  },
};
