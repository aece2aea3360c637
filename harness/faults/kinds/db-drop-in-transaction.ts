import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { countParam, pgToxicTouch, proxyParam, rateParam } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * The connection to the database is lost in the middle of a transaction (`pg_drop_in_transaction`):
 * after the `afterStatements`-th statement of an open transaction the proxy closes it, and the
 * server rolls the transaction back. With `autocommit`, a statement outside a block runs and commits
 * and its answer is lost instead. Where work is lost or done twice.
 */
export const dbDropInTransaction = defineFaultKind({
  kind: 'db-drop-in-transaction',
  params: {
    proxy: proxyParam('db'),
    afterStatements: z.number().int().nonnegative().default(1).meta({ description: 'Statements of the transaction answered before the cut (BEGIN not counted; 0 cuts at the first statement after BEGIN; default 1).' }),
    match: z.string().default('').meta({ description: 'Cut only at statements matching this regular expression, or "COMMIT" (default: any statement).' }),
    autocommit: z.boolean().default(false).meta({
      description: 'Also cut matching statements outside a transaction block (each its own transaction): the database runs and commits the statement, the connection is lost before its answer, and the client cannot tell whether it happened (default false).',
    }),
    rate: rateParam,
    count: countParam,
  },
  recoveryAnchor: 'removal',
  protocol: 'postgres',
  describe: (p) =>
    `database connections cut in transactions after statement ${p.afterStatements}${p.match === '' ? '' : ` at statements matching /${p.match}/`}${p.autocommit ? ', autocommitted statements run and their answers lost' : ''}${p.rate < 1 ? ` (${Math.round(p.rate * 100)}% of them)` : ''}${p.count === undefined ? '' : ` (the first ${p.count})`} (proxy ${p.proxy})`,
  touches: (p) => [pgToxicTouch(p, 'pg_drop_in_transaction', `after=${p.afterStatements}${p.match === '' ? '' : ` match=${JSON.stringify(p.match)}`}${p.autocommit ? ' autocommit' : ''} toxicity=${p.rate}${p.count === undefined ? '' : ` count=${p.count}`}`)],
  create: (event, ctx) => {
    const p = event.params;
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'pg_drop_in_transaction', stream: 'upstream', toxicity: p.rate, attributes: { after: p.afterStatements, count: p.count ?? 0, match: p.match, autocommit: p.autocommit ? 1 : 0 } });
  },
});
