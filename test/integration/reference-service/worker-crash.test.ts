import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../../../reference-service/index.ts';
import type { RunningTarget } from '../../../reference-service/index.ts';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { spawnTarget } from '../../support/target-process.ts';
import type { TargetProcess } from '../../support/target-process.ts';
import { allTerminal, lookup, postExecution, requestJson, waitFor } from '../../support/target-http.ts';

let db: Awaited<ReturnType<typeof createTargetTestDatabase>>;
let victim: TargetProcess | undefined;
let survivor: RunningTarget | undefined;

beforeAll(async () => {
  db = await createTargetTestDatabase('target_crash');
});

afterAll(async () => {
  victim?.child.kill('SIGKILL');
  await survivor?.close();
  await db?.drop();
});

describe('a worker process killed with SIGKILL mid-execution', () => {
  it('has its leases reclaimed by another instance and every execution completes exactly once', async () => {
    victim = await spawnTarget({ DATABASE_URL: db.url, WORKERS: '4', LEASE_MS: '1000', RETRY_BASE_MS: '50' });
    const quick = await Promise.all(
      Array.from({ length: 4 }, (_, i) => postExecution(victim!.url, `quick-${i}`, { asset_id: `q${i}`, action: 'sync', params: { ms: 0 } })),
    );
    const slow = await Promise.all(
      Array.from({ length: 8 }, (_, i) => postExecution(victim!.url, `slow-${i}`, { asset_id: `s${i}`, action: 'sync', params: { ms: 1500 } })),
    );
    const ids = [...quick, ...slow].map((r) => r.body.id);
    const slowIds = slow.map((r) => r.body.id);
    // Kill only once four slow executions are mid-flight in the victim.
    const running = await waitFor(
      () => lookup(victim!.url, slowIds),
      (m) => Object.values(m).filter((e) => e?.state === 'running').length === 4,
      15_000,
      20,
    );
    const killedIds = slowIds.filter((id) => running[id]?.state === 'running');
    expect(killedIds).toHaveLength(4);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');

    survivor = await startTarget({ databaseUrl: db.url, workers: 4, leaseMs: 1000 });
    const audit = await waitFor(() => lookup(survivor!.url, ids), allTerminal, 30_000, 100);
    for (const id of ids) expect(audit[id]).toMatchObject({ state: 'succeeded', effects: 1 });
    // The killed attempts count: their executions needed a second attempt after the reclaim.
    for (const id of killedIds) expect(audit[id]?.attempts).toBe(2);

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const effects = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM execution_effects WHERE execution_id = ANY($1::uuid[])', [ids]);
      expect(effects.rows[0]?.n).toBe(ids.length);
      const lost = await sql.query<{ execution_id: string }>(
        "SELECT execution_id FROM execution_failures WHERE error LIKE 'lease expired%' ORDER BY execution_id",
      );
      expect(lost.rows.map((r) => r.execution_id)).toEqual([...killedIds].sort());
    } finally {
      await sql.end();
    }
    const metrics = await requestJson<string>('GET', `${survivor.url}/metrics`);
    expect(metrics.body).toMatch(/target_lease_reclaims_total 4\b/);
  });
});
