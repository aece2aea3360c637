import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** A black hole: nothing gets through; connections close after timeoutMs (never when 0). */
export const netTimeout: FaultKindModule<'net-timeout'> = {
  kind: 'net-timeout',
  describe: (p) => `black hole on proxy ${p.proxy} (${p.stream})${p.timeoutMs ? `, closed after ${p.timeoutMs} ms` : ''}`,
  create(event, ctx) {
    const p = paramsOf(event, 'net-timeout');
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'timeout', stream: p.stream, attributes: { timeout: p.timeoutMs } });
  },
};
