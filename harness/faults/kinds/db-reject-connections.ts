import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { countParam, pgToxicTouch, proxyParam, rateParam } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * The database refuses new sessions at startup (`pg_reject_connect`): 53300 too_many_connections or
 * 57P03 cannot_connect_now, as a full or restarting server does. Sessions already open keep working,
 * so a target feels it when its pool opens a connection.
 */
export const dbRejectConnections = defineFaultKind({
  kind: 'db-reject-connections',
  params: {
    proxy: proxyParam('db'),
    sqlstate: z.enum(['53300', '57P03']).default('53300').meta({ description: '53300 too_many_connections (default) or 57P03 cannot_connect_now (starting up or shutting down).' }),
    rate: rateParam,
    count: countParam,
  },
  recoveryAnchor: 'removal',
  protocol: 'postgres',
  describe: (p) => `new database sessions refused with ${p.sqlstate}${p.rate < 1 ? ` (${Math.round(p.rate * 100)}% of them)` : ''}${p.count === undefined ? '' : ` (the first ${p.count})`} (proxy ${p.proxy})`,
  touches: (p) => [pgToxicTouch(p, 'pg_reject_connect', `sqlstate=${p.sqlstate} toxicity=${p.rate}${p.count === undefined ? '' : ` count=${p.count}`}`)],
  create: (event, ctx) => {
    const p = event.params;
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'pg_reject_connect', stream: 'upstream', toxicity: p.rate, attributes: { sqlstate: p.sqlstate, message: '', count: p.count ?? 0, after: 0 } });
  },
});
