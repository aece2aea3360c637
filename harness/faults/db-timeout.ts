import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** The database stops answering (a `timeout` toxic on the `db` proxy): queries hang, not fail. */
export const dbTimeout: FaultKindModule<'db-timeout'> = {
  kind: 'db-timeout',
  describe: (p) => `database black hole (proxy ${p.proxy}, ${p.stream})${p.timeoutMs ? `, connections closed after ${p.timeoutMs} ms` : ''}`,
  create(event, ctx) {
    const p = paramsOf(event, 'db-timeout');
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'timeout', stream: p.stream, attributes: { timeout: p.timeoutMs } });
  },
};
