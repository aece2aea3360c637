import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { proxyDownDriver } from './toxic-fault.ts';

/** The database is unreachable: the `db` proxy is disabled, its connections closed. */
export const dbDown: FaultKindModule<'db-down'> = {
  kind: 'db-down',
  describe: (p) => `database down (proxy ${p.proxy} disabled)`,
  create(event, ctx) {
    return proxyDownDriver(event, ctx, paramsOf(event, 'db-down').proxy);
  },
};
