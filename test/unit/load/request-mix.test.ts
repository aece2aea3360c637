import { describe, expect, it } from 'vitest';
import { createRequestMix } from '../../../harness/load/request-mix.ts';
import { createRng } from '../../../harness/core/seeded-rng.ts';
import { scenarioSchema } from '../../../harness/scenario/scenario-schema.ts';
import type { RequestBody } from '../../../harness/scenario/request-bodies.ts';

function source(requests: unknown[], bodies: [string, RequestBody][] = []) {
  const scenario = scenarioSchema.parse({
    name: 'mix',
    description: 'd',
    target: { url: 'embedded' },
    requests,
    load: [{ executor: 'constant-vus', vus: 1, duration: '1s' }],
  });
  return { scenario, bodies: new Map(bodies) };
}

const chain = source(
  [
    { name: 'create', method: 'POST', path: '/v1/executions', headers: { 'Idempotency-Key': '{{uuid}}' }, body: { asset_id: '{{randInt 1 200}}' }, capture: { executionId: 'id', first: 'items.0.n' }, weight: 3, expect: { status: [202] } },
    { name: 'status', method: 'GET', path: '/v1/executions/{{captured executionId}}', weight: 1 },
  ],
);

describe('request mix', () => {
  it('follows the weights (chi-square within tolerance)', () => {
    const weights = { a: 1, b: 2, c: 7 };
    const mix = createRequestMix(source(Object.entries(weights).map(([name, weight]) => ({ name, method: 'GET', path: `/${name}`, weight }))), { rng: createRng(5) });
    const n = 20_000;
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < n; i++) {
      const name = mix.next(i % 7).name;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    const chi = Object.entries(weights).reduce((sum, [k, w]) => {
      const expected = (n * w) / 10;
      return sum + ((counts[k] ?? 0) - expected) ** 2 / expected;
    }, 0);
    expect(chi).toBeLessThan(13.8); // p = 0.001 for 2 degrees of freedom
  });

  it('skips requests that need a capture until one exists, then captures from successful JSON answers', () => {
    const captured: [string, string][] = [];
    const mix = createRequestMix(chain, { rng: createRng(1), onCapture: (n, v) => captured.push([n, v]) });
    const first = Array.from({ length: 200 }, () => mix.next(0));
    expect(new Set(first.map((r) => r.name))).toEqual(new Set(['create']));
    const create = first[0];
    expect(create?.headers['content-type']).toBe('application/json');
    expect(create?.expectedStatuses).toEqual([202]);
    expect(JSON.parse(create?.body ?? '')).toEqual({ asset_id: expect.stringMatching(/^\d+$/) });
    create?.onBody?.(500, '{"id":"bad"}'); // unexpected status: no capture
    create?.onBody?.(202, 'not json');
    create?.onBody?.(202, '{"id":"e-1","items":[{"n":7}]}');
    expect(captured).toEqual([
      ['executionId', 'e-1'],
      ['first', '7'],
    ]);
    const after = Array.from({ length: 400 }, () => mix.next(0));
    const statuses = after.filter((r) => r.name === 'status');
    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.every((r) => r.path === '/v1/executions/e-1' && r.onBody === undefined && r.body === undefined)).toBe(true);
  });

  it('keeps a bounded pool of captured values but streams every one to onCapture', () => {
    let streamed = 0;
    const mix = createRequestMix(chain, { rng: createRng(2), captureCapacity: 100, onCapture: () => streamed++ });
    const create = mix.next(0);
    for (let i = 0; i < 5000; i++) create.onBody?.(202, `{"id":"id-${i}"}`);
    expect(streamed).toBe(5000);
    expect(mix.captures.size('executionId')).toBe(100);
    const picked = new Set(Array.from({ length: 2000 }, () => mix.next(0)).filter((r) => r.name === 'status').map((r) => Number(r.path.split('-').at(-1))));
    expect(Math.min(...picked)).toBeGreaterThanOrEqual(4900); // only the most recent values are kept
  });

  it('per-phase factories share captures and {{seq}}; the same seed gives the same requests', () => {
    const seqSource = source([{ name: 's', method: 'GET', path: '/s/{{seq}}' }, { name: 'u', method: 'GET', path: '/u/{{uuid}}' }]);
    const mix = createRequestMix(seqSource, { rng: createRng(3) });
    const onlyS = mix.forRequests(['s']);
    const paths = [onlyS.next(0).path, onlyS.next(0).path];
    expect(paths).toEqual(['/s/1', '/s/2']);
    const run = () => {
      const m = createRequestMix(seqSource, { rng: createRng(11) });
      return Array.from({ length: 100 }, () => m.next(0).path);
    };
    expect(run()).toEqual(run());
  });

  it('sends body files: JSON bodies compiled once, text bodies as is', () => {
    const mix = createRequestMix(
      source([{ name: 'j', method: 'POST', path: '/j', bodyFile: 'b.json' }, { name: 't', method: 'POST', path: '/t', bodyFile: 'b.csv', headers: { 'Content-Type': 'text/csv' } }], [
        ['j', { kind: 'json', value: { rows: [{ id: '{{seq}}' }] } }],
        ['t', { kind: 'text', text: 'id\n1\n' }],
      ]),
      { rng: createRng(4) },
    );
    const seen = new Map<string, { body: string | undefined; headers: Record<string, string> }>();
    for (let i = 0; i < 50; i++) {
      const r = mix.next(0);
      seen.set(r.name, r);
    }
    expect(JSON.parse(seen.get('j')?.body ?? '').rows[0].id).toMatch(/^\d+$/);
    expect(seen.get('t')).toMatchObject({ body: 'id\n1\n', headers: { 'Content-Type': 'text/csv' } });
  });
});

describe('request mix: constant requests', () => {
  it('hands out one frozen object for a request without templates (encoded once by the engines), a fresh one per send otherwise', () => {
    const mix = createRequestMix(
      source([
        { name: 'health', method: 'GET', path: '/health', headers: { accept: 'application/json' }, body: { a: 1 }, weight: 1 },
        { name: 'create', method: 'POST', path: '/v1/x', headers: { 'Idempotency-Key': '{{uuid}}' }, weight: 1 },
      ]),
      { rng: createRng(3) },
    );
    const sent = Array.from({ length: 200 }, () => mix.next(0));
    const health = sent.filter((r) => r.name === 'health');
    const create = sent.filter((r) => r.name === 'create');
    expect(health.length).toBeGreaterThan(50);
    expect(new Set(health).size).toBe(1);
    expect(health[0]?.constant).toBe(true);
    expect(Object.isFrozen(health[0])).toBe(true);
    expect(health[0]).toMatchObject({ path: '/health', body: '{"a":1}', headers: { accept: 'application/json', 'content-type': 'application/json' } });
    expect(new Set(create).size).toBe(create.length);
    expect(create.every((r) => r.constant !== true)).toBe(true);
    expect(new Set(create.map((r) => r.headers['Idempotency-Key'])).size).toBe(create.length);
  });
});
