import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { countParam, pgToxicTouch, proxyParam, rateParam } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * The database answers matching statements with an error of a given SQLSTATE (`pg_error` on the `db`
 * proxy in PostgreSQL mode): 40001 serialization failures, 40P01 deadlocks, 57014 cancellations, as
 * PostgreSQL itself sends them, the client's transaction aborted as PostgreSQL aborts it. The target
 * can only succeed again once the errors stop, so recovery counts from removal.
 */
export const dbError = defineFaultKind({
  kind: 'db-error',
  params: {
    proxy: proxyParam('db'),
    sqlstate: z.string().regex(/^[0-9A-Z]{5}$/).refine((s) => !s.startsWith('00'), { message: 'class 00 is success, not an error' }).default('40001')
      .meta({ description: 'SQLSTATE of the error, e.g. "40001" serialization_failure, "40P01" deadlock_detected, "57014" query_canceled (default 40001).' }),
    match: z.string().default('').meta({ description: 'Which statements fail: "COMMIT", or a regular expression on the statement text (default: every statement but ROLLBACK).' }),
    message: z.string().default('').meta({ description: 'The error message (default: PostgreSQL\'s own text for the SQLSTATE).' }),
    rate: rateParam,
    count: countParam,
  },
  recoveryAnchor: 'removal',
  protocol: 'postgres',
  describe: (p) => `SQLSTATE ${p.sqlstate} for ${p.rate < 1 ? `${Math.round(p.rate * 100)}% of ` : ''}${p.match === '' ? 'every statement' : p.match === 'COMMIT' ? 'COMMIT' : `statements matching /${p.match}/`}${p.count === undefined ? '' : ` (the first ${p.count})`} (proxy ${p.proxy})`,
  touches: (p) => [pgToxicTouch(p, 'pg_error', `sqlstate=${p.sqlstate} match=${JSON.stringify(p.match)} toxicity=${p.rate}${p.count === undefined ? '' : ` count=${p.count}`}`)],
  create: (event, ctx) => {
    const p = event.params;
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'pg_error', stream: 'upstream', toxicity: p.rate, attributes: { match: p.match, sqlstate: p.sqlstate, message: p.message, count: p.count ?? 0, after: 0 } });
  },
});
