import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { spawnTarget } from '../../support/target-process.ts';
import type { TargetProcess } from '../../support/target-process.ts';
import { lookup, postExecution, requestJson, waitFor } from '../../support/target-http.ts';

let db: Awaited<ReturnType<typeof createTargetTestDatabase>>;
const started: TargetProcess[] = [];

beforeAll(async () => {
  db = await createTargetTestDatabase('target_drain');
});

afterAll(async () => {
  for (const t of started) t.child.kill('SIGKILL');
  await db?.drop();
});

async function start(env: Record<string, string>): Promise<TargetProcess> {
  const t = await spawnTarget(env);
  started.push(t);
  return t;
}

async function runningCount(url: string, ids: string[]): Promise<number> {
  return Object.values(await lookup(url, ids)).filter((e) => e?.state === 'running').length;
}

describe('SIGTERM', () => {
  it('finishes in-flight work within the grace period, takes no new work and exits 0', async () => {
    const t = await start({ DATABASE_URL: db.url, WORKERS: '2', SHUTDOWN_GRACE_MS: '5000' });
    const long = await Promise.all(['a', 'b'].map((a) => postExecution(t.url, `long-${a}`, { asset_id: a, action: 'sync', params: { ms: 800 } })));
    const queued = await Promise.all([1, 2, 3].map((i) => postExecution(t.url, `behind-${i}`, { asset_id: 'a', action: 'sync', params: { ms: 0 } })));
    const longIds = long.map((r) => r.body.id);
    expect(await waitFor(() => runningCount(t.url, longIds), (n) => n === 2, 10_000, 20)).toBe(2);
    const signalledAt = performance.now();
    t.child.kill('SIGTERM');
    expect(await t.exited).toBe(0);
    // 800 ms of work left; the rest is slack for a machine shared with other test runs.
    expect(performance.now() - signalledAt).toBeLessThan(8_000);

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const ids = [...longIds, ...queued.map((r) => r.body.id)];
      const r = await sql.query<{ id: string; state: string }>('SELECT id, state FROM executions WHERE id = ANY($1::uuid[])', [ids]);
      const state = new Map(r.rows.map((row) => [row.id, row.state]));
      expect(longIds.map((id) => state.get(id))).toEqual(['succeeded', 'succeeded']);
      // Work behind asset "a" became claimable during the drain but was not taken.
      expect(queued.map((q) => state.get(q.body.id))).toEqual(['queued', 'queued', 'queued']);
    } finally {
      await sql.end();
    }
  });

  it('hands back work that cannot finish within the grace period and still exits 0', async () => {
    const t = await start({ DATABASE_URL: db.url, WORKERS: '1', SHUTDOWN_GRACE_MS: '300' });
    const created = await postExecution(t.url, 'too-long', { asset_id: 'z', action: 'sync', params: { ms: 20_000 } });
    const id = created.body.id;
    expect(await waitFor(() => runningCount(t.url, [id]), (n) => n === 1, 10_000, 20)).toBe(1);
    const signalledAt = performance.now();
    t.child.kill('SIGTERM');
    expect(await t.exited).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(5_000);
    const next = await start({ DATABASE_URL: db.url, WORKERS: '0' });
    const view = await requestJson('GET', `${next.url}/v1/executions/${id}`);
    expect(view.body).toMatchObject({ state: 'queued', attempts: 0 });
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });

  it('with no DATABASE_URL, starts an embedded PostgreSQL, serves, and stops it on SIGTERM', async () => {
    const t0 = performance.now();
    const t = await start({ WORKERS: '1' });
    const startupMs = performance.now() - t0;
    const created = await postExecution(t.url, 'embedded-1', { asset_id: 'e', action: 'sync', params: { ms: 0 } });
    expect(created.status).toBe(202);
    const done = await waitFor(() => requestJson('GET', `${t.url}/v1/executions/${created.body.id}`), (v) => v.body.state === 'succeeded', 10_000, 25);
    expect(done.body.state).toBe('succeeded');
    t.child.kill('SIGTERM');
    expect(await t.exited).toBe(0);
    expect(t.stderr()).not.toMatch(/start_failed|internal_error/);
    // Generous: the goal is < 3 s on an idle laptop; this machine is shared with other test runs.
    expect(startupMs).toBeLessThan(20_000);
  });
});
