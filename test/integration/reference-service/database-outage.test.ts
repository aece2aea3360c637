import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../../../reference-service/index.ts';
import type { RunningTarget } from '../../../reference-service/index.ts';
import { createTargetTestDatabase } from '../../support/target-db.ts';
import { TcpRelay } from '../../support/tcp-relay.ts';
import { postExecution, requestJson, waitFor } from '../../support/target-http.ts';

let db: Awaited<ReturnType<typeof createTargetTestDatabase>>;
let relay: TcpRelay;
let target: RunningTarget;

beforeAll(async () => {
  db = await createTargetTestDatabase('target_outage');
  const direct = new URL(db.url);
  relay = new TcpRelay(direct.hostname, Number(direct.port));
  const relayed = new URL(db.url);
  relayed.port = String(await relay.start());
  target = await startTarget({ databaseUrl: relayed.toString(), workers: 2 });
});

afterAll(async () => {
  await target?.close();
  await relay?.stop();
  await db?.drop();
});

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await f();
  return { value, ms: performance.now() - started };
}

async function runToSuccess(key: string): Promise<string | undefined> {
  const created = await postExecution(target.url, key, { asset_id: 'x', action: 'sync', params: { ms: 0 } });
  expect(created.status).toBe(202);
  const view = await waitFor(() => requestJson('GET', `${target.url}/v1/executions/${created.body.id}`), (v) => v.body.state === 'succeeded', 10_000, 25);
  return view.body.state as string | undefined;
}

describe('database outage through a relay the test controls', () => {
  it('answers writes with 503 + Retry-After within 2 s, is not ready while cut, and recovers without a restart', async () => {
    expect(await runToSuccess('before')).toBe('succeeded');

    relay.cut();
    for (let i = 0; i < 3; i++) {
      const w = await timed(() => postExecution(target.url, `during-${i}`, { asset_id: 'x', action: 'sync' }));
      expect(w.value.status).toBe(503);
      expect(w.value.headers.get('retry-after')).toBe('1');
      expect(w.value.body.error).toBe('database_unavailable');
      expect(w.ms).toBeLessThan(2_000);
    }
    const read = await requestJson('GET', `${target.url}/v1/executions/00000000-0000-4000-8000-000000000000`);
    expect(read.status).toBe(503);
    const notReady = await timed(() => requestJson<{ status: string; reasons: string[] }>('GET', `${target.url}/readyz`));
    expect(notReady.value.status).toBe(503);
    expect(notReady.value.body.status).toBe('not_ready');
    expect(notReady.value.body.reasons.join(' ')).toMatch(/database/);
    expect(notReady.ms).toBeLessThan(2_000);
    expect((await requestJson('GET', `${target.url}/healthz`)).status).toBe(200);

    relay.restore();
    const ready = await waitFor(() => requestJson('GET', `${target.url}/readyz`), (r) => r.status === 200, 10_000, 100);
    expect(ready.status).toBe(200);
    expect(await runToSuccess('after')).toBe('succeeded');
  });
});
