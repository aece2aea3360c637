import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../../../reference-service/index.ts';
import type { RunningTarget } from '../../../reference-service/index.ts';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { lookup, postExecution, requestJson, waitFor } from '../../support/target-http.ts';

let db: Awaited<ReturnType<typeof createTargetTestDatabase>>;
let target: RunningTarget;
let plain: RunningTarget;
let url: string;

beforeAll(async () => {
  db = await createTargetTestDatabase('target_api');
  // Two instances migrating the same fresh database at once: the advisory lock must serialise them.
  [target, plain] = await Promise.all([
    startTarget({ databaseUrl: db.url, workers: 2, chaosToken: 'sesame', bodyLimitBytes: 256 * 1024 }),
    startTarget({ databaseUrl: db.url, workers: 1 }),
  ]);
  url = target.url;
});

afterAll(async () => {
  await Promise.all([target?.close(), plain?.close()]);
  await db?.drop();
});

describe('health and readiness', () => {
  it('reports liveness with the package version and readiness with workers and queue age', async () => {
    const h = await requestJson('GET', `${url}/healthz`);
    expect(h).toMatchObject({ status: 200, body: { status: 'ok', version: '0.1.0' } });
    const r = await requestJson('GET', `${url}/readyz`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ready', database: 'ok', workers: 2 });
    expect(typeof r.body.oldestQueuedAgeMs).toBe('number');
  });
});

describe('POST /v1/executions idempotency', () => {
  it('answers 202 once, then 200 with the same id for the same body in any key order, 409 for another body', async () => {
    const key = `idem-${Date.now()}`;
    const first = await postExecution(url, key, { asset_id: 7, action: 'sync', params: { ms: 0, tag: { a: 1, b: 2 } } });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'queued' });
    const again = await postExecution(url, key, { params: { tag: { b: 2, a: 1 }, ms: 0 }, action: 'sync', asset_id: 7 });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const conflict = await postExecution(url, key, { asset_id: 7, action: 'sync', params: { ms: 1 } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toBe('idempotency_conflict');
    const view = await requestJson('GET', `${url}/v1/executions/${first.body.id}`);
    expect(view.body).toMatchObject({ id: first.body.id, asset_id: '7', action: 'sync' });
  });

  it('creates exactly one execution when the same key arrives concurrently', async () => {
    const key = `race-${Date.now()}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => postExecution(url, key, { asset_id: 'r', action: 'sync' })),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.every((a) => a.status === 202 || a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
  });

  it('rejects a missing key and bad bodies with 400 and field paths', async () => {
    const noKey = await requestJson<{ details: { path: string }[] }>('POST', `${url}/v1/executions`, { asset_id: 1, action: 'sync' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.details.map((d) => d.path)).toContain('/headers/idempotency-key');
    const bad = await requestJson<{ error: string; details: { path: string }[] }>(
      'POST', `${url}/v1/executions`, { asset_id: 1, action: 'explode', extra: true }, { 'idempotency-key': 'bad-1' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('bad_request');
    expect(bad.body.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/action', '/extra']));
    const badP = await postExecution(url, 'bad-2', { asset_id: 1, action: 'flaky', params: { p: 3 } });
    expect(badP.status).toBe(400);
    expect((badP.body as unknown as { details: { path: string }[] }).details.map((d) => d.path)).toContain('/params/p');
    const badJson = await requestJson('POST', `${url}/v1/executions`, '{"asset_id":', { 'idempotency-key': 'bad-3' });
    expect(badJson.status).toBe(400);
  });
});

describe('GET and lookup', () => {
  it('runs a sync execution to success with one effect and reports it by id and in bulk', async () => {
    const created = await postExecution(url, `run-${Date.now()}`, { asset_id: 'a1', action: 'sync', params: { ms: 0 } });
    const id = created.body.id;
    const view = await waitFor(() => requestJson('GET', `${url}/v1/executions/${id}`), (v) => v.body.state === 'succeeded', 10_000, 20);
    expect(view.body).toMatchObject({ state: 'succeeded', attempts: 1, last_error: null, next_attempt_at: null });
    expect(Date.parse(String(view.body.finished_at))).toBeGreaterThanOrEqual(Date.parse(String(view.body.started_at)));
    const unknown = '00000000-0000-4000-8000-000000000000';
    const m = await lookup(url, [id, unknown, 'not-a-uuid']);
    expect(m).toEqual({ [id]: { state: 'succeeded', attempts: 1, effects: 1 }, [unknown]: null, 'not-a-uuid': null });
  });

  it('answers 404 for unknown and malformed ids and 400 for too many lookup ids', async () => {
    expect((await requestJson('GET', `${url}/v1/executions/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await requestJson('GET', `${url}/v1/executions/nope`)).body).toEqual({ error: 'not_found' });
    const many = Array.from({ length: 10_001 }, (_, i) => `id-${i}`);
    expect((await requestJson('POST', `${url}/v1/executions/lookup`, { ids: many })).status).toBe(400);
    expect(Object.keys(await lookup(url, many.slice(0, 10_000)))).toHaveLength(10_000);
  });
});

describe('POST /v1/validate', () => {
  const schema = {
    columns: [{ name: 'id', type: 'integer', required: true }, { name: 'country', type: 'string' }],
    key: ['id'],
    references: [{ column: 'country', refColumn: 'code' }],
  };

  it('returns issues, counts, a quality score and the profile', async () => {
    const rows = [{ id: 1, country: 'DE' }, { id: 1, country: 'XX' }, { country: 'DE' }];
    const r = await requestJson<Record<string, unknown>>('POST', `${url}/v1/validate`, { schema, rows, refs: [{ code: 'DE' }] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      valid: false,
      issueCounts: { type: 0, required: 1, range: 0, outlier: 0, duplicate: 1, reference: 1 },
      profile: { id: { count: 2, missing: 1, distinct: 1 }, country: { count: 3, distinct: 2 } },
    });
    expect(r.body.qualityScore).toBeCloseTo(1 / 3, 10);
  });

  it('rejects bad bodies with 400 listing the field paths', async () => {
    const r = await requestJson<{ details: { path: string }[] }>('POST', `${url}/v1/validate`, {
      schema: { columns: [{ name: 'a', type: 'text' }, { type: 'number' }] },
    });
    expect(r.status).toBe(400);
    expect(r.body.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/schema/columns/0/type', '/schema/columns/1/name', '/rows']));
    const semantic = await requestJson<{ details: { path: string }[] }>('POST', `${url}/v1/validate`, {
      schema: { columns: [{ name: 'a', type: 'string' }], key: ['b'] }, rows: [],
    });
    expect(semantic.status).toBe(400);
    expect(semantic.body.details).toEqual([{ path: '/schema/key/0', message: 'unknown column "b"' }]);
  });

  it('answers 413 above the body limit and 415 for a non-JSON body', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: i, country: 'DE' }));
    const big = await requestJson('POST', `${url}/v1/validate`, { schema, rows });
    expect(big.status).toBe(413);
    const text = await requestJson('POST', `${url}/v1/validate`, 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
  });
});

describe('metrics and chaos', () => {
  it('exposes request durations by route, executions by state and pool stats', async () => {
    const m = await requestJson<string>('GET', `${url}/metrics`);
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/v1\/executions",status_code="202"\} [1-9]/);
    expect(m.body).toMatch(/target_executions\{state="succeeded"\} [1-9]/);
    expect(m.body).toMatch(/target_db_pool_total [0-9]/);
    expect(m.body).toContain('process_resident_memory_bytes');
  });

  it('holds and frees memory ballast behind the token, and has no chaos routes without one', async () => {
    const auth = { authorization: 'Bearer sesame' };
    expect((await requestJson('POST', `${url}/chaos/memory`, { mb: 8 }, { authorization: 'Bearer wrong' })).status).toBe(401);
    const held = await requestJson('POST', `${url}/chaos/memory`, { mb: 8 }, auth);
    expect(held).toMatchObject({ status: 200, body: { ballastBytes: 8 * 1024 * 1024 } });
    expect((await requestJson<string>('GET', `${url}/metrics`)).body).toMatch(/target_chaos_ballast_bytes 8388608/);
    expect((await requestJson('DELETE', `${url}/chaos/memory`, undefined, auth)).body).toEqual({ ballastBytes: 0 });
    expect((await requestJson('POST', `${plain.url}/chaos/memory`, { mb: 1 }, auth)).status).toBe(404);
  });
});

describe('TARGET_TEST_DROP_RATE (test only)', () => {
  it('acknowledges dropped executions with 202 but stores none of them, and counts them', async () => {
    const dropping = await startTarget({ databaseUrl: db.url, workers: 0, testDropRate: 1 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await postExecution(dropping.url, `drop-${Date.now()}-${i}`, { asset_id: 1, action: 'sync' });
        expect(r.status).toBe(202);
        ids.push(r.body.id);
      }
      expect(Object.values(await lookup(url, ids))).toEqual([null, null, null, null, null]);
      const metrics = await requestJson<string>('GET', `${dropping.url}/metrics`);
      expect(metrics.body).toMatch(/target_test_dropped_executions_total 5\b/);
    } finally {
      await dropping.close();
    }
  });
});
