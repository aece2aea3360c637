/**
 * Integrity-audit throughput (`npm run bench:audit`, not part of `npm test`): ids looked up per
 * second by the `get` source (one request per id, its default concurrency 16, no rate limit) against
 * a trivial loopback HTTP server in a child process, and by the `sql` source (its default chunks of
 * 5,000 ids, each in a READ ONLY transaction) against the embedded PostgreSQL, table of BENCH_IDS rows
 * with a uuid primary key. Each round is one audit of every id (all terminal: one lookup round).
 * A warm-up audit of 2,000 ids goes first, uncounted. Prints every round and the medians.
 * Env: BENCH_IDS (20000), BENCH_ROUNDS (5).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../process-kit/postgres/embedded-postgres.ts';
import { median } from '../harness/analysis/stats/order-stats.ts';
import { createAuditSource } from '../harness/run/audit/create-audit-source.ts';
import { runIntegrityAudit } from '../harness/run/integrity-audit.ts';
import { auditSourceSchema } from '../harness/scenario/schema-audit.ts';
import { startTestServer } from '../test/support/servers/spawn-test-server.ts';

const IDS = Number(process.env.BENCH_IDS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function measure(name: string, spec: Record<string, unknown>, ids: readonly string[], terminal: string, ctx: { baseUrl: string; env: Record<string, string> }): Promise<number> {
  const rates: number[] = [];
  // Not counted: the first lookups pay for JIT compilation and for opening the connections.
  await runIntegrityAudit({ source: createAuditSource(auditSourceSchema.parse(spec), { ...ctx, scenarioDir: process.cwd() }), ids: ids.slice(0, 2_000), terminal: [terminal], graceMs: 0 });
  for (let round = 1; round <= ROUNDS; round++) {
    const source = createAuditSource(auditSourceSchema.parse(spec), { ...ctx, scenarioDir: process.cwd() });
    const started = performance.now();
    const { lookups } = await runIntegrityAudit({ source, ids, terminal: [terminal], graceMs: 0 });
    const ms = performance.now() - started;
    const unknown = Object.values(lookups).filter((r) => r === null).length;
    if (unknown > 0) throw new Error(`${name}: ${unknown} ids unknown; the bench's data is wrong`);
    rates.push((ids.length / ms) * 1000);
    console.log(`${name} round ${round}: ${ids.length} ids in ${ms.toFixed(0)} ms = ${Math.round(rates.at(-1) ?? 0)} ids/s`);
  }
  return median(rates);
}

const ids = Array.from({ length: IDS }, () => randomUUID());
const server = await startTestServer({ kind: 'fast' });
const postgres = await startEmbeddedPostgres();
try {
  const c = new pg.Client({ connectionString: postgres.url });
  await c.connect();
  await c.query('CREATE TABLE jobs (job_id uuid PRIMARY KEY, status text NOT NULL, attempts int NOT NULL, effects int NOT NULL)');
  await c.query(`INSERT INTO jobs SELECT unnest($1::uuid[]), 'done', 1, 1`, [ids]);
  await c.query('ANALYZE jobs');
  await c.end();

  // The fast server answers every path with {"service": "stresslab-test-server", …}: read as the state.
  const get = await measure('get', { kind: 'get', request: 'GET /api/jobs/{id}', response: { state: 'service' } }, ids, 'stresslab-test-server', { baseUrl: server.url, env: {} });
  const sql = await measure('sql', { kind: 'sql', urlEnv: 'BENCH_DB', query: 'SELECT job_id AS id, status AS state, attempts, effects FROM jobs WHERE job_id = ANY($1)' }, ids, 'done', { baseUrl: server.url, env: { BENCH_DB: postgres.url } });
  console.log(`\nmedian over ${ROUNDS} rounds of ${IDS} ids: get ${Math.round(get)} ids/s (concurrency 16), sql ${Math.round(sql)} ids/s (chunks of 5000)`);
} finally {
  await server.stop();
  await postgres.stop();
}
