import { describe, expect, it } from 'vitest';
import { auditSchema, describeAuditSource, referenceLookupSource } from '../../../harness/scenario/schema-audit.ts';
import { scenarioFromSource } from '../../../harness/scenario/load-scenario.ts';
import { isStresslabError } from '../../../harness/core/stresslab-error.ts';
import { join } from 'node:path';
import { baseScenario, scenarioDir } from './scenario-test-files.ts';

const { dir } = scenarioDir();

/** audit.executions: the source union, the shorthand it keeps, and the problems it reports with their paths. */

function parse(executions: Record<string, unknown>) {
  return auditSchema.safeParse({ executions: { capture: 'executionId', ...executions } });
}

async function problemsOf(executions: Record<string, unknown>): Promise<{ path: string; message: string }[]> {
  const s = baseScenario();
  s.audit = { executions: { capture: 'executionId', ...executions } };
  try {
    await scenarioFromSource(s, join(dir, 'audit.json'), {});
  } catch (e) {
    if (isStresslabError(e)) return e.problems.map((p) => ({ path: p.path, message: p.message }));
    throw e;
  }
  return [];
}

describe('audit.executions.source', () => {
  it('no source: the reference lookup, at the shorthand endpoint, with the shorthand batch settings; grace in ms', () => {
    expect(parse({}).data?.executions).toEqual({ capture: 'executionId', terminal: ['succeeded', 'dead_lettered'], graceMs: 60_000, source: referenceLookupSource() });
    const r = parse({ lookup: 'PUT /api/lookup', batchSize: 50, concurrency: 2, graceSeconds: 1.5 }).data?.executions;
    expect(r?.graceMs).toBe(1_500);
    expect(r?.source).toEqual({ ...referenceLookupSource('PUT /api/lookup'), batchSize: 50, concurrency: 2 });
  });

  it('each kind with its defaults, durations in ms', () => {
    const get = parse({ source: { kind: 'get', request: 'GET {{env API}}/v1/jobs/{id}?full=1' } }).data?.executions.source;
    expect(get).toEqual({
      kind: 'get', request: 'GET {{env API}}/v1/jobs/{id}?full=1', headers: {}, response: { state: 'state' }, notFound: [404],
      concurrency: 16, timeoutMs: 10_000, retries: 4, backoffMs: 200, maxBackoffMs: 5_000,
    });
    const lookup = parse({ source: { kind: 'lookup', request: 'POST /api/jobs/search', response: { records: 'items' }, timeout: '2s' } }).data?.executions.source;
    expect(lookup).toMatchObject({ idsAt: 'ids', body: {}, batchSize: 1000, concurrency: 4, timeoutMs: 2_000, response: { records: 'items', id: 'id', state: 'state' } });
    const sql = parse({ source: { kind: 'sql', urlEnv: 'JOBS_DB', query: 'select id, state from jobs where id = any($1)' } }).data?.executions.source;
    expect(sql).toMatchObject({ chunkSize: 5000, statementTimeoutMs: 30_000 });
    const command = parse({ source: { kind: 'command', argv: ['./lookup', '--token', '{{env T}}'] } }).data?.executions.source;
    expect(command).toMatchObject({ env: {}, timeoutMs: 60_000, chunkSize: 10_000 });
    expect([get, lookup, sql, command].map((s) => (s === undefined ? '' : describeAuditSource(s)))).toEqual([
      'get GET {{env API}}/v1/jobs/{id}?full=1', 'lookup POST /api/jobs/search', 'sql on $JOBS_DB', 'command ./lookup --token {{env T}}',
    ]);
    const literal = parse({ source: { kind: 'get', request: 'GET http://audit:hunter22@jobs.internal/v1/jobs/{id}?api_key=k3y-123' } }).data?.executions.source;
    expect(literal === undefined ? '' : describeAuditSource(literal)).toBe('get GET http://***@jobs.internal/v1/jobs/{id}?api_key=***');
  });

  it('reports each mistake with its path', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ source: { kind: 'gett', request: 'GET /x/{id}' } }, 'audit.executions.source.kind', /unknown kind "gett"/],
      [{ source: { kind: 'get', request: 'GET /api/jobs' } }, 'audit.executions.source.request', /must contain \{id\}/],
      [{ source: { kind: 'get', request: 'GET /jobs/{id}', headers: { Authorization: 'Bearer {{uuid}}' } } }, 'audit.executions.source.headers.Authorization', /\{\{uuid\}\} is not allowed in audit settings/],
      [{ source: { kind: 'lookup', request: 'GET /api/jobs', response: { records: 'items' } } }, 'audit.executions.source.request', /must be "POST\|PUT \/path"/],
      [{ source: { kind: 'lookup', request: 'POST /api/jobs' } }, 'audit.executions.source.response', /is required/],
      [{ source: { kind: 'sql', urlEnv: 'postgres://u:p@h/db', query: 'SELECT id, state FROM jobs WHERE id = ANY($1)' } }, 'audit.executions.source.urlEnv', /environment variable name/],
      [{ source: { kind: 'sql', urlEnv: 'DB', query: 'DELETE FROM jobs WHERE id = ANY($1)' } }, 'audit.executions.source.query', /must be a SELECT/],
      [{ source: { kind: 'sql', urlEnv: 'DB', query: 'SELECT id, state FROM jobs' } }, 'audit.executions.source.query', /must take the ids as \$1/],
      [{ source: { kind: 'command', argv: [] } }, 'audit.executions.source.argv', />=1 items/],
      [{ source: { kind: 'get', request: 'GET /j/{id}' }, batchSize: 10 }, 'audit.executions.batchSize', /belongs to the lookup shorthand/],
      [{ source: { kind: 'get', request: 'GET /j/{id}' }, lookup: 'POST /x' }, 'audit.executions.lookup', /cannot be used with "source"/],
      [{ lookup: 'GET /v1/executions/{id}' }, 'audit.executions.lookup', /"kind": "get"/],
    ];
    for (const [executions, path, message] of cases) {
      const problems = await problemsOf(executions);
      expect(problems, JSON.stringify(executions)).toContainEqual({ path, message: expect.stringMatching(message) });
    }
  });
});
