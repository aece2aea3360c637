import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceptedIdStore } from '../../../harness/run/accepted-ids.ts';
import { auditAccepted } from '../../../harness/run/integrity-audit.ts';
import { createAuditSource } from '../../../harness/run/audit/create-audit-source.ts';
import { referenceLookupSource } from '../../../harness/scenario/schema-audit.ts';
import { startTarget } from '../../../reference-service/index.ts';
import type { RunningTarget } from '../../../reference-service/index.ts';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { lookup, postExecution, requestJson, terminalStates, waitFor } from '../../support/target-http.ts';

/** The reference service's lookup, as the scenario shorthand `lookup: "POST /v1/executions/lookup"` resolves it. */
function reference(url: string, batchSize?: number, concurrency?: number) {
  return createAuditSource(referenceLookupSource(undefined, batchSize, concurrency), { baseUrl: url, env: {}, scenarioDir: '.' });
}
const TERMINAL = [...terminalStates];

type Db = Awaited<ReturnType<typeof createTargetTestDatabase>>;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function target(prefix: string, overrides: Parameters<typeof startTarget>[0] = {}): Promise<RunningTarget> {
  const db: Db = await createTargetTestDatabase(prefix);
  cleanups.push(db.drop);
  const t = await startTarget({ databaseUrl: db.url, workers: 4, shutdownGraceMs: 300, ...overrides });
  cleanups.push(t.close);
  return t;
}

/** Submits executions (keys `${prefix}-i`, 16 at a time) and records every 2xx answer as the runner's capture would. */
async function submit(t: RunningTarget, store: AcceptedIdStore, prefix: string, n: number, body: (i: number) => Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const key = `${prefix}-${i}`;
      const r = await postExecution(t.url, key, body(i));
      if (r.status !== 202 && r.status !== 200) throw new Error(`submit answered ${r.status}`);
      store.add(r.body.id, key);
      ids.push(r.body.id);
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return ids;
}

let shared: RunningTarget;
beforeAll(async () => {
  shared = await target('audit');
});

describe('integrity audit against the reference target', () => {
  it('finds every accepted execution terminal; idempotent replays are not duplicates; unknown ids are lost', async () => {
    const store = new AcceptedIdStore();
    await submit(shared, store, 'ok', 150, (i) => ({ asset_id: i % 40, action: 'sync', params: { ms: 0 } }));
    // Replays of the same key and body answer the same id: one request, not a duplicate.
    await submit(shared, store, 'ok', 10, (i) => ({ asset_id: i % 40, action: 'sync', params: { ms: 0 } }));
    expect(store.acceptanceCount).toBe(160);
    const audit = await auditAccepted(store, { source: reference(shared.url, 40, 3), terminal: TERMINAL, graceMs: 30_000 });
    expect(audit.integrity).toMatchObject({ status: 'complete', reason: null, accepted: 150, terminal: 150, lost: 0, stuck: 0, duplicated: 0 });
    expect(audit.states).toEqual({ succeeded: 150 });

    const unknown = Array.from({ length: 5 }, () => randomUUID());
    for (const id of [...unknown, 'not-a-uuid']) store.add(id, `ghost-${id}`);
    const withGhosts = await auditAccepted(store, { source: reference(shared.url), terminal: TERMINAL, graceMs: 1_000, pollIntervalMs: 200 });
    expect(withGhosts.integrity).toMatchObject({ status: 'complete', reason: null, accepted: 156, terminal: 150, lost: 6, stuck: 0, duplicated: 0 });
    expect(new Set(withGhosts.lostIds)).toEqual(new Set([...unknown, 'not-a-uuid']));
    // Unknown ids are re-polled through the grace period before they count as lost.
    expect(withGhosts.stats.rounds).toBeGreaterThanOrEqual(3);
    expect(withGhosts.stats.waitedMs).toBeGreaterThanOrEqual(1_000);
  });

  it('counts executions still running after the grace period as stuck', async () => {
    const store = new AcceptedIdStore();
    await submit(shared, store, 'slow', 3, (i) => ({ asset_id: `slow-${i}`, action: 'sync', params: { ms: 6_000 } }));
    const audit = await auditAccepted(store, { source: reference(shared.url), terminal: TERMINAL, graceMs: 1_000, pollIntervalMs: 250 });
    expect(audit.integrity).toMatchObject({ status: 'complete', reason: null, accepted: 3, terminal: 0, lost: 0, stuck: 3, duplicated: 0 });
    expect(audit.stuckIds).toHaveLength(3);
    expect(audit.stats.waitedMs).toBeGreaterThanOrEqual(1_000);
    expect(audit.stats.waitedMs).toBeLessThan(4_000);
    expect(audit.stats.rounds).toBeGreaterThanOrEqual(3);
  });

  it('with TARGET_TEST_DROP_RATE, lost equals the executions the target dropped, exactly', async () => {
    const dropping = await target('audit_drop', { testDropRate: 0.08 });
    const store = new AcceptedIdStore();
    const ids = await submit(dropping, store, 'drop', 300, (i) => ({ asset_id: i % 50, action: 'sync', params: { ms: 0 } }));
    // Let the stored ones finish first, so only the dropped ones make the audit wait its grace period.
    await waitFor(() => lookup(dropping.url, ids), (m) => Object.values(m).every((e) => e === null || terminalStates.has(e.state)), 30_000, 200);
    const metrics = await requestJson<string>('GET', `${dropping.url}/metrics`);
    const dropped = Number(/^target_test_dropped_executions_total(?:\{[^}]*\})? (\d+)/m.exec(metrics.body)?.[1]);
    expect(dropped).toBeGreaterThan(0);
    const audit = await auditAccepted(store, { source: reference(dropping.url, 64), terminal: TERMINAL, graceMs: 500 });
    expect(audit.integrity).toMatchObject({ status: 'complete', reason: null, accepted: 300, terminal: 300 - dropped, lost: dropped, stuck: 0, duplicated: 0 });
  });
});
