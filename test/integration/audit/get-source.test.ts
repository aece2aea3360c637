import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditSource } from '../../../harness/run/audit/create-audit-source.ts';
import { runIntegrityAudit } from '../../../harness/run/integrity-audit.ts';
import { auditSourceSchema } from '../../../harness/scenario/schema-audit.ts';

/**
 * The `get` source's manners on real loopback HTTP: at most `concurrency` in flight, at most `rate`
 * per second, 429 waited out as its Retry-After asks, 5xx retried with backoff, an unexpected
 * status ending the audit, ids URL-encoded into the path.
 */

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

interface Hit {
  id: string;
  atMs: number;
}

/** `answer` gets the id and how many times it was asked before; the server records each request. */
async function serve(answer: (id: string, seen: number, res: ServerResponse) => void, holdMs = 0): Promise<{ url: string; hits: Hit[]; maxInFlight: () => number }> {
  const hits: Hit[] = [];
  const seen = new Map<string, number>();
  let inFlight = 0;
  let max = 0;
  server = createServer((req, res) => {
    const id = decodeURIComponent((req.url ?? '').replace(/^\/jobs\//, ''));
    hits.push({ id, atMs: performance.now() });
    inFlight++;
    max = Math.max(max, inFlight);
    res.on('finish', () => inFlight--);
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    setTimeout(() => answer(id, n, res), holdMs);
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, hits, maxInFlight: () => max };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function audit(url: string, ids: string[], spec: Record<string, unknown> = {}) {
  const source = createAuditSource(auditSourceSchema.parse({ kind: 'get', request: 'GET /jobs/{id}', response: { state: 'status' }, ...spec }), { baseUrl: url, env: {}, scenarioDir: '.' });
  return runIntegrityAudit({ source, ids, terminal: ['done'], graceMs: 0 });
}

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `job ${i}/x`);

describe('get source', () => {
  it('keeps at most `concurrency` requests in flight; ids are URL-encoded; 404 is unknown', async () => {
    const s = await serve((id, _n, res) => (id.endsWith('7/x') ? json(res, 404, {}) : json(res, 200, { status: 'done' })), 20);
    const r = await audit(s.url, ids(60), { concurrency: 4 });
    // Never more than 4; at least 2 at some point even on a busy machine (each request is held 20 ms).
    expect(s.maxInFlight()).toBeLessThanOrEqual(4);
    expect(s.maxInFlight()).toBeGreaterThanOrEqual(2);
    expect(new Set(s.hits.map((h) => h.id))).toEqual(new Set(ids(60)));
    expect(r.lookups['job 7/x']).toBeNull();
    expect(r.lookups['job 8/x']).toEqual({ state: 'done' });
  });

  it('sends at most `rate` requests per second, spaced', async () => {
    const s = await serve((_id, _n, res) => json(res, 200, { status: 'done' }));
    const started = performance.now();
    await audit(s.url, ids(21), { rate: 40, concurrency: 8 });
    // 21 requests at 40/s: the last may start 20 × 25 ms after the first, never sooner (a busy
    // machine may make it later). Timed here, not at the server: the first requests' connection
    // set-up delays their arrival, which would make the server see them closer together.
    expect(performance.now() - started).toBeGreaterThanOrEqual(20 * 25);
    expect(s.hits).toHaveLength(21);
  });

  it('a 429 waits the Retry-After it asks for; 503s are retried with backoff; the id is answered', async () => {
    const s = await serve((id, n, res) => {
      if (id === 'job 0/x' && n === 0) return json(res, 429, {}, { 'retry-after': '1' });
      if (id === 'job 1/x' && n < 2) return json(res, 503, {});
      return json(res, 200, { status: 'done' });
    });
    const r = await audit(s.url, ids(2), { backoff: '50ms' });
    expect(r.lookups).toEqual({ 'job 0/x': { state: 'done' }, 'job 1/x': { state: 'done' } });
    const asked = (id: string): number[] => s.hits.filter((h) => h.id === id).map((h) => h.atMs);
    const [first = 0, second = 0] = asked('job 0/x');
    expect(second - first).toBeGreaterThanOrEqual(990);
    expect(asked('job 1/x')).toHaveLength(3);
  });

  it('retries run out: the id is left for the next round, and with no grace left the audit says why', async () => {
    const s = await serve((_id, _n, res) => json(res, 502, {}));
    await expect(audit(s.url, ids(1), { retries: 2, backoff: '10ms' })).rejects.toThrow(/could not look up 1 of 1 accepted ids in 1 round\(s\).*HTTP 502 \(after 3 attempts\)/);
    expect(s.hits).toHaveLength(3);
  });

  it('a status that is neither found, unknown nor worth retrying ends the audit at once', async () => {
    const s = await serve((_id, _n, res) => json(res, 401, { error: 'unauthorized' }));
    await expect(audit(s.url, ids(30), { concurrency: 1 })).rejects.toThrow(/get GET \/jobs\/\{id\} answered HTTP 401 for id "job 0\/x": \{"error":"unauthorized"\}/);
    expect(s.hits).toHaveLength(1);
  });
});
