import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runIntegrityAudit } from '../../../harness/run/integrity-audit.ts';
import type { IntegrityAuditOptions } from '../../../harness/run/integrity-audit.ts';
import { createAuditSource } from '../../../harness/run/audit/create-audit-source.ts';
import { auditSchema, referenceLookupSource } from '../../../harness/scenario/schema-audit.ts';
import { isStresslabError } from '../../../harness/core/stresslab-error.ts';
import type { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';

/** Lookup endpoints that misbehave, on real loopback HTTP; each records the id lists it was sent. */
let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

async function serve(answer: (ids: string[], call: number, res: ServerResponse) => void): Promise<{ url: string; calls: string[][] }> {
  const calls: string[][] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const ids = (JSON.parse(body) as { ids: string[] }).ids;
      calls.push(ids);
      answer(ids, calls.length, res);
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, calls };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function failure(p: Promise<unknown>): Promise<StresslabError> {
  try {
    await p;
  } catch (e) {
    if (isStresslabError(e)) return e;
    throw e;
  }
  throw new Error('expected a StresslabError');
}

/** The reference lookup (the scenario shorthand) against `baseUrl`. */
function audit(baseUrl: string, ids: string[], more: { batchSize?: number; concurrency?: number; graceMs?: number } = {}): ReturnType<typeof runIntegrityAudit> {
  const source = createAuditSource(referenceLookupSource(undefined, more.batchSize, more.concurrency), { baseUrl, env: {}, scenarioDir: '.' });
  const opts: IntegrityAuditOptions = { source, ids, terminal: ['succeeded'], graceMs: more.graceMs ?? 600, pollIntervalMs: 100 };
  return runIntegrityAudit(opts);
}

describe('integrity audit: lookup responses it cannot use', () => {
  it('a record without a string state → BAD_RESULT (exit 2) naming the endpoint and the field', async () => {
    const { url } = await serve((ids, _n, res) => json(res, 200, { executions: Object.fromEntries(ids.map((id) => [id, { state: { code: 5 }, attempts: 1, effects: 1 }])) }));
    const e = await failure(audit(url, ['a', 'b']));
    expect(e.code).toBe('BAD_RESULT');
    expect(e.exitCode).toBe(ExitCode.badInput);
    expect(e.message).toContain('POST /v1/executions/lookup');
    expect(e.problems[0]?.path).toBe('executions["a"].state');
  });

  it('no executions map, a body that is not JSON, a negative effects count → BAD_RESULT with the path', async () => {
    const bodies: unknown[] = [{ results: {} }, 'not json', { executions: { a: { state: 'succeeded', effects: -1 } } }];
    const paths = ['executions', '', 'executions["a"].effects'];
    for (const [i, body] of bodies.entries()) {
      const { url } = await serve((_ids, _n, res) => json(res, 200, body));
      const e = await failure(audit(url, ['a']));
      expect(e.code).toBe('BAD_RESULT');
      expect(e.problems[0]?.path).toBe(paths[i]);
      await new Promise<void>((r) => server?.close(() => r()));
      server = null;
    }
  });

  it('a 404 (wrong lookup path) → BAD_RESULT at once; the shorthand refuses GET (it cannot carry ids)', async () => {
    const { url, calls } = await serve((_ids, _n, res) => json(res, 404, { error: 'not_found' }));
    const e = await failure(audit(url, ['a']));
    expect(e.code).toBe('BAD_RESULT');
    expect(e.message).toContain('HTTP 404');
    expect(calls).toHaveLength(1);
    const g = auditSchema.safeParse({ executions: { capture: 'id', lookup: 'GET /v1/executions' } });
    expect(g.error?.issues[0]?.path).toEqual(['executions', 'lookup']);
    expect(g.error?.issues[0]?.message).toMatch(/"kind": "get"/);
  });

  it('503s are retried in the next round; a target that never answers → TARGET_UNREACHABLE (exit 4)', async () => {
    const flaky = await serve((ids, n, res) =>
      n === 1 ? json(res, 503, { error: 'database_unavailable' }) : json(res, 200, { executions: Object.fromEntries(ids.map((id) => [id, { state: 'succeeded', attempts: 1, effects: 1 }])) }),
    );
    const ok = await audit(flaky.url, ['a', 'b', 'a']);
    expect(ok.stats.rounds).toBe(2);
    expect(ok.lookups).toEqual({ a: { state: 'succeeded', attempts: 1, effects: 1 }, b: { state: 'succeeded', attempts: 1, effects: 1 } });
    expect(flaky.calls[1]).toEqual(['a', 'b']);
    await new Promise<void>((r) => server?.close(() => r()));

    const down = await serve((_ids, _n, res) => json(res, 503, { error: 'database_unavailable' }));
    const e = await failure(audit(down.url, ['a']));
    expect(e.code).toBe('TARGET_UNREACHABLE');
    expect(e.exitCode).toBe(ExitCode.environmentNotReady);
    expect(down.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('re-polls only ids not yet terminal, in batches of batchSize', async () => {
    const { url, calls } = await serve((ids, n, res) =>
      json(res, 200, { executions: Object.fromEntries(ids.map((id) => [id, { state: id === 'c' && n < 4 ? 'running' : 'succeeded', attempts: 1, effects: 1 }])) }),
    );
    const r = await audit(url, ['a', 'b', 'c', 'd', 'e'], { batchSize: 2, concurrency: 2, graceMs: 5_000 });
    expect(calls.slice(0, 3).flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(calls.slice(3)).toEqual([['c']]);
    expect(r.stats.rounds).toBe(2);
    expect(r.lookups.c?.state).toBe('succeeded');
  });
});
