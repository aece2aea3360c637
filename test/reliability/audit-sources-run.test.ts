import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import type { RunResult } from '../../harness/contract/run-result.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { processesOf } from '../support/run-processes.ts';
import { startJobsApi } from '../support/servers/jobs-api.ts';
import type { JobsApi } from '../support/servers/jobs-api.ts';

/**
 * Audit sources in whole `stresslab run`s (issue 14) against a job service whose API is not the
 * reference service's (test/support/servers/jobs-api.ts, jobs in a real PostgreSQL table, every
 * 7th accepted job forgotten), as a user would point stresslab at their own system with --target:
 * - a `get` audit counts exactly the forgotten jobs as lost (verdict fail, exit 1);
 * - an audit whose answer its mapping cannot read never costs the run: result.json (valid against
 *   the contract) and every report are written, integrity status "error" with the reason, verdict
 *   inconclusive, exit 1; and the token given to the audit through {{env}}, which the service
 *   echoes back, appears in no file of the run directory and not on the terminal.
 */

const BIN = fileURLToPath(new URL('../../bin/stresslab.mjs', import.meta.url));
const TOKEN = 'tok-9c1e55b0d4a7-audit-secret';
let dir = '';
let api: JobsApi;
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-audit-run-'));
  db = await createTestDatabase('audit_run');
  api = await startJobsApi({ databaseUrl: db.url, forgetEvery: 7 });
});
afterAll(async () => {
  await api?.stop();
  await db?.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

function scenario(name: string, source: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    description: 'jobs API audited through its own endpoints',
    target: { url: 'http://127.0.0.1:9/unused', health: '/healthz', timeout: '2s' },
    requests: [{ name: 'submit', method: 'POST', path: '/api/jobs', body: { kind: 'sync' }, capture: { jobId: 'jobId' } }],
    load: [{ executor: 'constant-arrival-rate', rate: 30, duration: '1500ms', preAllocatedVUs: 5, maxVUs: 10, gracefulStop: '500ms' }],
    thresholds: { http_req_failed: ['rate<0.1'] },
    audit: { executions: { capture: 'jobId', terminal: ['done'], graceSeconds: 0.5, source } },
  };
}

interface CliRun {
  code: number | null;
  output: string;
  stateDir: string;
  runDir: string;
  result: RunResult;
}

async function runCli(name: string, source: Record<string, unknown>): Promise<CliRun> {
  const stateDir = await fs.mkdtemp(path.join(dir, `${name}-state-`));
  const outDir = path.join(dir, `${name}-out`);
  const file = path.join(dir, `${name}.json`);
  await fs.writeFile(file, JSON.stringify(scenario(name, source)));
  const env = { ...process.env, STRESSLAB_STATE_DIR: stateDir, AUDIT_TOKEN: TOKEN };
  delete (env as Record<string, string | undefined>).STRESSLAB_LEDGER;
  const child = spawn(process.execPath, [BIN, 'run', file, '--target', api.url, '--reports-dir', outDir, '--no-baseline', '--seed', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(killer);
  const runs = existsSync(path.join(outDir, name)) ? readdirSync(path.join(outDir, name)) : [];
  expect(runs, output).toHaveLength(1);
  const runDir = path.join(outDir, name, runs[0] as string);
  const result = runResultSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8')));
  return { code, output, stateDir, runDir, result };
}

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = path.join(d, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('audit sources in a whole run against another API', () => {
  it('get: exactly the forgotten jobs are lost; the audit says how it went', async () => {
    const before = { stored: api.stored, forgotten: api.forgotten };
    const r = await runCli('jobs-get', { kind: 'get', request: 'GET /api/jobs/{id}', response: { state: 'data.status', attempts: 'data.attempts', effects: 'data.effects' } });
    const forgotten = api.forgotten - before.forgotten;
    const stored = api.stored - before.stored;
    expect(forgotten).toBeGreaterThan(0);
    expect(r.code, r.output).toBe(1);
    expect(r.result.verdict).toBe('fail');
    expect(r.result.integrity).toMatchObject({ status: 'complete', accepted: stored + forgotten, terminal: stored, lost: forgotten, stuck: 0, duplicated: 0 });
    expect(r.result.integrity?.audit).toMatchObject({ source: 'get', label: 'get GET /api/jobs/{id}', ids: stored + forgotten });
    expect(r.result.reasons).toContain(`${forgotten} of ${stored + forgotten} accepted executions were lost`);
    expect(readFileSync(path.join(r.runDir, 'report.md'), 'utf8')).toMatch(/Audited through get GET \/api\/jobs\/\{id\}/);
    expect(processesOf(r.stateDir)).toEqual([]);
  });

  it('an answer the mapping cannot read: everything is written, inconclusive, exit 1, and the echoed token is nowhere', async () => {
    const r = await runCli('jobs-echo', {
      kind: 'lookup',
      request: 'POST /api/jobs/echo',
      headers: { Authorization: 'Bearer {{env AUDIT_TOKEN}}' },
      response: { records: 'items', id: 'jobId', state: 'status' },
    });
    expect(r.code, r.output).toBe(1);
    expect(r.result.verdict).toBe('inconclusive');
    expect(r.result.reasons[0]).toMatch(/^the integrity audit could not be completed: lookup POST \/api\/jobs\/echo answered something its mapping cannot read: items is missing \(response\.records\); it answered .*youSent/);
    expect(r.result.integrity).toMatchObject({ status: 'error', terminal: null, lost: null, stuck: null, duplicated: null, audit: { source: 'lookup', rounds: 1 } });
    expect(r.result.integrity?.accepted).toBeGreaterThan(20);
    // Everything measured is there.
    expect(r.result.totals.requests).toBeGreaterThanOrEqual(35);
    const report = readFileSync(path.join(r.runDir, 'report.md'), 'utf8');
    expect(report).toMatch(/The audit could not be completed .*items is missing/);
    for (const f of ['report.html', 'junit.xml', 'record.json', 'timeline.jsonl']) expect(existsSync(path.join(r.runDir, f)), f).toBe(true);
    const leaking = filesUnder(r.runDir).filter((f) => readFileSync(f, 'utf8').includes(TOKEN));
    expect(leaking).toEqual([]);
    expect(r.output).not.toContain(TOKEN);
    expect(readFileSync(path.join(r.runDir, 'record.json'), 'utf8')).toContain('***');
    expect(processesOf(r.stateDir)).toEqual([]);
  });
});
