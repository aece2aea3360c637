import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { pgHolderDriver } from './pg-holder-fault.ts';

/**
 * Holds `connections` idle sessions (or as many as the server, role or database limit allows):
 * the target's pool cannot open new connections while they are held.
 */
export const dbPoolExhaustion: FaultKindModule<'db-pool-exhaustion'> = {
  kind: 'db-pool-exhaustion',
  describe: (p) => `${p.connections} PostgreSQL connections held`,
  create(event, ctx) {
    const p = paramsOf(event, 'db-pool-exhaustion');
    return pgHolderDriver(event, ctx, { mode: 'connections', count: p.connections }, p.databaseUrlEnv);
  },
};
