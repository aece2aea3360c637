import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../../../reference-service/index.ts';
import type { RunningTarget } from '../../../reference-service/index.ts';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { allTerminal, lookup, postExecution, requestJson, waitFor } from '../../support/target-http.ts';

let db: Awaited<ReturnType<typeof createTargetTestDatabase>>;
let target: RunningTarget;
let sql: pg.Client;

beforeAll(async () => {
  db = await createTargetTestDatabase('target_queue');
  target = await startTarget({ databaseUrl: db.url, workers: 4, maxAttempts: 4, retryBaseMs: 200, retryMaxMs: 5_000 });
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await target?.close();
  await db?.drop();
});

/** Submits bodies with bounded concurrency; returns the ids in order. */
async function submitAll(bodies: Record<string, unknown>[], prefix: string, concurrency = 32): Promise<string[]> {
  const ids: string[] = new Array<string>(bodies.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < bodies.length) {
      const i = next++;
      const r = await postExecution(target.url, `${prefix}-${i}`, bodies[i] as Record<string, unknown>);
      if (r.status !== 202) throw new Error(`submit ${i} answered ${r.status}: ${JSON.stringify(r.body)}`);
      ids[i] = r.body.id;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return ids;
}

interface Interval {
  asset_id: string;
  execution_id: string;
  from_us: string;
  to_us: string;
}

/**
 * Every attempt's interval of running its action, successful or failed: from the moment the committed
 * claim reached the worker to the end of the action (the workers' wall clock, microsecond precision).
 */
async function attemptIntervals(ids: string[]): Promise<Interval[]> {
  const r = await sql.query<Interval>(
    `SELECT e.asset_id, e.id AS execution_id,
            (extract(epoch FROM f.ran_from) * 1e6)::bigint::text AS from_us,
            (extract(epoch FROM f.ran_to) * 1e6)::bigint::text AS to_us
       FROM execution_effects f JOIN executions e ON e.id = f.execution_id WHERE e.id = ANY($1::uuid[])
     UNION ALL
     SELECT e.asset_id, e.id, (extract(epoch FROM x.ran_from) * 1e6)::bigint::text, (extract(epoch FROM x.ran_to) * 1e6)::bigint::text
       FROM execution_failures x JOIN executions e ON e.id = x.execution_id WHERE e.id = ANY($1::uuid[])`,
    [ids],
  );
  return r.rows;
}

function overlapsPerAsset(intervals: Interval[]): number {
  const byAsset = new Map<string, Interval[]>();
  for (const i of intervals) byAsset.set(i.asset_id, [...(byAsset.get(i.asset_id) ?? []), i]);
  let overlaps = 0;
  for (const list of byAsset.values()) {
    list.sort((a, b) => Number(BigInt(a.from_us) - BigInt(b.from_us)));
    for (let k = 1; k < list.length; k++) {
      if (BigInt((list[k] as Interval).from_us) < BigInt((list[k - 1] as Interval).to_us)) overlaps++;
    }
  }
  return overlaps;
}

describe('4 workers on 2,000 executions across 50 assets', () => {
  it('brings every execution to a terminal state, records no effect twice and never runs two per asset at once', async () => {
    // Seeded pseudo-random assets, so that neighbours in the queue often share an asset.
    let seed = 42;
    const nextAsset = (): string => `asset-${(seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 50}`;
    const bodies = Array.from({ length: 2_000 }, (_, i) =>
      i % 10 === 0
        ? { asset_id: nextAsset(), action: 'flaky', params: { p: 0.5 } }
        : { asset_id: nextAsset(), action: 'sync', params: { ms: i % 3 } },
    );
    const ids = await submitAll(bodies, `bulk-${Date.now()}`);
    expect(new Set(ids).size).toBe(2_000);
    const audit = await waitFor(() => lookup(target.url, ids), allTerminal, 70_000, 250);
    const entries = Object.values(audit);
    expect(entries.filter((e) => e === null)).toHaveLength(0);
    expect(allTerminal(audit)).toBe(true);
    for (const e of entries) expect(e?.effects).toBe(e?.state === 'succeeded' ? 1 : 0);
    // Flaky ones retried: some needed more than one attempt, none more than MAX_ATTEMPTS.
    expect(entries.some((e) => (e?.attempts ?? 0) > 1)).toBe(true);
    expect(Math.max(...entries.map((e) => e?.attempts ?? 0))).toBeLessThanOrEqual(4);
    const intervals = await attemptIntervals(ids);
    expect(intervals.length).toBeGreaterThanOrEqual(2_000);
    expect(overlapsPerAsset(intervals)).toBe(0);
    const effects = await sql.query<{ n: string }>('SELECT count(*) AS n FROM execution_effects WHERE execution_id = ANY($1::uuid[])', [ids]);
    expect(Number(effects.rows[0]?.n)).toBe(entries.filter((e) => e?.state === 'succeeded').length);
    // About 10 s on an idle 2-core machine; the budget covers one shared with other test runs.
  }, 90_000);

  it('serialises the executions of one asset even when all workers are free', async () => {
    const ids = await submitAll(Array.from({ length: 12 }, () => ({ asset_id: 'solo', action: 'sync', params: { ms: 30 } })), `solo-${Date.now()}`, 12);
    const audit = await waitFor(() => lookup(target.url, ids), allTerminal, 20_000, 50);
    expect(allTerminal(audit)).toBe(true);
    const intervals = await attemptIntervals(ids);
    expect(intervals).toHaveLength(12);
    expect(overlapsPerAsset(intervals)).toBe(0);
    const spanUs = Math.max(...intervals.map((i) => Number(i.to_us))) - Math.min(...intervals.map((i) => Number(i.from_us)));
    expect(spanUs / 1000).toBeGreaterThanOrEqual(12 * 30);
  });
});

describe('an action that always fails', () => {
  it('ends in dead letters after MAX_ATTEMPTS with backoff gaps that grow', async () => {
    const created = await postExecution(target.url, `fail-${Date.now()}`, { asset_id: 'doomed', action: 'fail' });
    const id = created.body.id;
    const view = await waitFor(() => requestJson('GET', `${target.url}/v1/executions/${id}`), (v) => v.body.state === 'dead_lettered', 20_000, 25);
    expect(view.body).toMatchObject({ state: 'dead_lettered', attempts: 4, last_error: 'action "fail" always fails' });
    expect(await lookup(target.url, [id])).toEqual({ [id]: { state: 'dead_lettered', attempts: 4, effects: 0 } });
    const dead = await sql.query('SELECT attempts, last_error FROM dead_letters WHERE execution_id = $1', [id]);
    expect(dead.rows).toEqual([{ attempts: 4, last_error: 'action "fail" always fails' }]);
    const history = await sql.query<{ attempt: number; retry_delay_ms: number | null; gap_ms: number | null }>(
      `SELECT attempt, retry_delay_ms,
              (extract(epoch FROM lead(claimed_at) OVER (ORDER BY attempt) - failed_at) * 1000)::float8 AS gap_ms
         FROM execution_failures WHERE execution_id = $1 ORDER BY attempt`,
      [id],
    );
    expect(history.rows.map((h) => h.attempt)).toEqual([1, 2, 3, 4]);
    const delays = history.rows.slice(0, 3).map((h) => h.retry_delay_ms ?? -1);
    const gaps = history.rows.slice(0, 3).map((h) => h.gap_ms ?? -1);
    expect(history.rows[3]?.retry_delay_ms).toBeNull();
    // Scheduled delays grow (equal jitter guarantees it) and each real gap waited at least its delay.
    expect(delays[1]).toBeGreaterThanOrEqual(delays[0] as number);
    expect(delays[2]).toBeGreaterThanOrEqual(delays[1] as number);
    expect(delays[2]).toBeGreaterThan(1.9 * (delays[0] as number));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((delays[i] as number) - 2));
    expect(gaps[2]).toBeGreaterThan(gaps[0] as number);
    const metrics = await requestJson<string>('GET', `${target.url}/metrics`);
    expect(metrics.body).toMatch(/target_dead_letters_total [1-9]/);
    expect(metrics.body).toMatch(/target_execution_retries_total [1-9]/);
  });
});
