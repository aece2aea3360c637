import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceptedIdStore } from '../../../harness/run/accepted-ids.ts';
import { createAuditSource } from '../../../harness/run/audit/create-audit-source.ts';
import { auditAccepted } from '../../../harness/run/integrity-audit.ts';
import { runAuditStage } from '../../../harness/run/run-audit.ts';
import { auditSchema, auditSourceSchema } from '../../../harness/scenario/schema-audit.ts';
import type { AuditSourceSpec } from '../../../harness/scenario/schema-audit.ts';
import { createTestDatabase } from '../../support/postgres.ts';
import { closedPort } from '../../support/servers/spawn-test-server.ts';
import { startJobsApi } from '../../support/servers/jobs-api.ts';
import type { JobsApi } from '../../support/servers/jobs-api.ts';

/**
 * Every audit source against a service with another API than the reference service's (jobs in a
 * real PostgreSQL table, test/support/servers/jobs-api.ts) that forgets every 7th accepted job:
 * each source must count exactly those as lost. Then the ways a source fails, through the run's
 * audit stage: the audit ends in `integrity.status: "error"` with a reason, never a thrown run.
 */

const FIXTURES = fileURLToPath(new URL('../../fixtures/audit/', import.meta.url));
const JOBS = 70;
const TOKEN = 's3cr3t-audit-token-7f2c';
const GRACE_MS = 300;

let api: JobsApi;
let db: { url: string; drop: () => Promise<void> };
const store = new AcceptedIdStore();
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase('audit_sources');
  api = await startJobsApi({ databaseUrl: db.url, forgetEvery: 7 });
  env = { JOBS_DB: db.url, AUDIT_TOKEN: TOKEN, JOBS_API: api.url };
  for (let i = 0; i < JOBS; i += 10) {
    await Promise.all(Array.from({ length: 10 }, async () => {
      const res = await fetch(`${api.url}/api/jobs`, { method: 'POST', body: '{}' });
      store.add(((await res.json()) as { jobId: string }).jobId);
    }));
  }
  expect(api.forgotten).toBe(JOBS / 7);
  // Every stored job done first: then only the forgotten ones are looked up again, and a short
  // grace period cannot turn a slow worker on a busy machine into stuck jobs.
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const deadline = Date.now() + 20_000;
  while ((await c.query("SELECT count(*)::int AS n FROM jobs WHERE status <> 'done'")).rows[0].n > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await c.end();
});
afterAll(async () => {
  await api?.stop();
  await db?.drop();
});

function source(spec: Record<string, unknown>) {
  return createAuditSource(auditSourceSchema.parse(spec), { baseUrl: api.url, env, scenarioDir: FIXTURES });
}

const specs: Record<AuditSourceSpec['kind'], Record<string, unknown>> = {
  get: { kind: 'get', request: 'GET /api/jobs/{id}', response: { state: 'data.status', attempts: 'data.attempts', effects: 'data.effects' } },
  lookup: { kind: 'lookup', request: 'POST {{env JOBS_API}}/api/jobs/search', idsAt: 'jobIds', batchSize: 25, response: { records: 'items', id: 'jobId', state: 'status', attempts: 'attempts', effects: 'effects' } },
  sql: { kind: 'sql', urlEnv: 'JOBS_DB', query: 'SELECT job_id AS id, status AS state, attempts, effects FROM jobs WHERE job_id = ANY($1)', chunkSize: 40 },
  command: { kind: 'command', argv: ['node', 'jobs-lookup-command.mjs'], env: { JOBS_DATABASE_URL: '{{env JOBS_DB}}' }, chunkSize: 200 },
};

describe('every source counts exactly the forgotten jobs as lost', () => {
  for (const kind of ['get', 'lookup', 'sql', 'command'] as const) {
    it(kind, async () => {
      const audit = await auditAccepted(store, { source: source(specs[kind]), terminal: ['done'], graceMs: GRACE_MS, pollIntervalMs: 100 });
      expect(audit.integrity).toMatchObject({ status: 'complete', accepted: JOBS, terminal: JOBS - JOBS / 7, lost: JOBS / 7, stuck: 0, duplicated: 0 });
      expect(audit.states).toEqual({ done: JOBS - JOBS / 7 });
      // The lost ones are looked up again until the grace period is over before they count (how
      // many rounds fit in it depends on the machine's load: a first round can take all of it).
      expect(audit.stats).toMatchObject({ source: kind, ids: JOBS });
      expect(audit.stats.waitedMs).toBeGreaterThanOrEqual(GRACE_MS);
      expect(audit.stats.lookups).toBe(JOBS + (audit.stats.rounds - 1) * (JOBS / 7));
      expect(audit.stats.idsPerSec).toBeGreaterThan(0);
    });
  }
});

describe('an audit that fails is an outcome of the run, with the reason', () => {
  const spec = auditSchema.parse({ executions: { capture: 'jobId', terminal: ['done'], graceSeconds: 0.4 } }).executions;
  async function stage(sourceSpec: Record<string, unknown>, overrides: Partial<typeof spec> = {}) {
    const r = await runAuditStage({ spec: { ...spec, ...overrides }, source: source(sourceSpec), store, signal: new AbortController().signal });
    if (r.kind !== 'audited') throw new Error(`expected an audited outcome, got ${r.kind}`);
    expect(r.outcome.integrity).toMatchObject({ status: 'error', accepted: JOBS, terminal: null, lost: null, stuck: null, duplicated: null });
    return { reason: r.outcome.integrity.reason ?? '', stats: r.outcome.integrity.audit, warnings: r.warnings };
  }

  it('a get source that is down (connection refused): error after the grace period, stats as far as it got', async () => {
    const port = await closedPort();
    const started = performance.now();
    const { reason, stats } = await stage({ ...specs.get, request: `GET http://127.0.0.1:${port}/api/jobs/{id}`, retries: 1, backoff: '10ms' });
    expect(reason).toMatch(/could not look up 70 of 70 accepted ids/);
    expect(reason).toMatch(/ECONNREFUSED/);
    expect(stats).toMatchObject({ source: 'get', ids: JOBS, lookups: 0 });
    expect(stats?.rounds).toBeGreaterThanOrEqual(2);
    // The lanes stop a round once the source looks down instead of trying all 70 ids.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a source slower than its timeout: error naming the timeout', async () => {
    api.mode = 'slow';
    api.slowMs = 1_500;
    try {
      const { reason } = await stage({ ...specs.lookup, timeout: '150ms' });
      expect(reason).toMatch(/could not look up 70 of 70.*no answer within 150 ms/);
    } finally {
      api.mode = 'normal';
    }
  });

  it('an answer the mapping cannot read: the JSON path that failed and an excerpt of the body, at once', async () => {
    const wrongState = await stage({ ...specs.lookup, response: { records: 'items', id: 'jobId', state: 'state' } }, { graceMs: 30_000 });
    expect(wrongState.reason).toMatch(/items\[0\]\.state is missing; it answered "\{\\"items\\":\[\{\\"jobId\\"/);
    expect(wrongState.stats?.rounds).toBe(1);
    api.mode = 'garbage';
    try {
      const html = await stage(specs.get);
      expect(html.reason).toMatch(/get GET \/api\/jobs\/\{id\} answered something its mapping cannot read: the body is not JSON; it answered "<html><body>502 Bad Gateway/);
    } finally {
      api.mode = 'normal';
    }
    const wrongRecords = await stage({ ...specs.lookup, response: { records: 'jobs', id: 'jobId', state: 'status' } });
    expect(wrongRecords.reason).toMatch(/: jobs is missing \(response\.records\)/);
  });

  it('a secret from {{env}} in a header never appears in the reason, even when the service echoes it', async () => {
    const { reason } = await stage({ ...specs.lookup, request: 'POST /api/jobs/echo', headers: { Authorization: 'Bearer {{env AUDIT_TOKEN}}', 'X-Api-Key': '{{env AUDIT_TOKEN}}' } });
    expect(reason).toMatch(/youSent.*authorization.*\*\*\*/);
    expect(reason).not.toContain(TOKEN);
  });

  it('sql: a query that writes is refused by the READ ONLY transaction; nothing changed', async () => {
    const { reason } = await stage({ ...specs.sql, query: 'WITH gone AS (DELETE FROM jobs RETURNING job_id) SELECT job_id AS id, \'done\' AS state FROM gone WHERE job_id = ANY($1)' });
    expect(reason).toMatch(/PostgreSQL refused the query: cannot execute \w+ in a read-only transaction \(SQLSTATE 25006\)/);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    expect((await c.query('SELECT count(*)::int AS n FROM jobs')).rows[0]).toEqual({ n: api.stored });
    await c.end();
  });

  it('sql: missing columns, a database that is down (its password redacted)', async () => {
    const columns = await stage({ ...specs.sql, query: 'SELECT job_id, status FROM jobs WHERE job_id = ANY($1)' });
    expect(columns.reason).toMatch(/the query's columns are job_id, status; it must return id and state/);
    const port = await closedPort();
    env.DOWN_DB = `postgres://audit:pa55-word-x@127.0.0.1:${port}/jobs`;
    const down = await stage({ ...specs.sql, urlEnv: 'DOWN_DB' });
    expect(down.reason).toMatch(/could not look up 70 of 70.*ECONNREFUSED/);
    expect(down.reason).not.toContain('pa55-word-x');
  });

  it('command: a non-zero exit names the command and the tail of its stderr; a hang is killed at the timeout; a line that is not JSON', async () => {
    // Shell one-liners: the failure modes need no node start-up (the working program is the fixture's).
    const failed = await stage({ kind: 'command', argv: ['sh', '-c', 'echo "read $(wc -l) ids" >&2; echo "error: permission denied for table jobs" >&2; exit 3'] });
    expect(failed.reason).toMatch(/^command sh -c .* exited with code 3; stderr ends: read 70 ids\nerror: permission denied for table jobs$/);
    const started = performance.now();
    const hung = await stage({ kind: 'command', argv: ['sh', '-c', 'sleep 30 & wait'], timeout: '300ms' });
    expect(hung.reason).toMatch(/did not finish within 300 ms for 70 ids \(killed\); nothing on stderr/);
    // The whole process group went, the backgrounded sleep included: the audit did not wait 30 s for its stdout to close.
    expect(performance.now() - started).toBeLessThan(5_000);
    const garbage = await stage({ kind: 'command', argv: ['sh', '-c', 'cat > /dev/null; echo "Welcome to jobctl 2.1"'] });
    expect(garbage.reason).toMatch(/stdout line 1 is not JSON; it answered "Welcome to jobctl 2\.1"/);
  });

  it('Ctrl-C during the audit is an interruption, not an audit error', async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 200);
    const r = await runAuditStage({ spec: { ...spec, graceMs: 30_000 }, source: source({ ...specs.get, request: 'GET /api/jobs/nope/{id}' }), store, signal: ctl.signal });
    expect(r.kind).toBe('interrupted');
  });
});
