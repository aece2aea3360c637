import { defineFaultKind } from '../fault-kind.ts';
import { countParam, msParam, pgToxicTouch, proxyParam, rateParam } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * COMMIT takes longer (`pg_delay` on COMMIT): a slow fsync, a synchronous replica falling behind.
 * Reads and the statements before COMMIT are not delayed, unlike db-latency.
 */
export const dbSlowCommit = defineFaultKind({
  kind: 'db-slow-commit',
  params: {
    proxy: proxyParam('db'),
    latencyMs: msParam.meta({ description: 'How long each COMMIT is held before it reaches the database, ms.' }),
    rate: rateParam,
    count: countParam,
  },
  recoveryAnchor: 'removal',
  protocol: 'postgres',
  describe: (p) => `COMMIT +${p.latencyMs} ms${p.rate < 1 ? ` (${Math.round(p.rate * 100)}% of them)` : ''}${p.count === undefined ? '' : ` (the first ${p.count})`} (proxy ${p.proxy})`,
  touches: (p) => [pgToxicTouch(p, 'pg_delay', `match=COMMIT latency=${p.latencyMs}ms toxicity=${p.rate}${p.count === undefined ? '' : ` count=${p.count}`}`)],
  create: (event, ctx) => {
    const p = event.params;
    return toxicDriver(event, ctx, { proxy: p.proxy, type: 'pg_delay', stream: 'upstream', toxicity: p.rate, attributes: { match: 'COMMIT', latency: p.latencyMs, count: p.count ?? 0, after: 0 } });
  },
});
