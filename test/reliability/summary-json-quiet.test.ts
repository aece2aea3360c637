import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../harness/cli/main.ts';
import { summaryDocumentSchema } from '../../harness/contract/summary-document.ts';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import { startTestServer } from '../support/servers/spawn-test-server.ts';
import type { TestServer } from '../support/servers/spawn-test-server.ts';
import { captureIo } from '../support/capture-io.ts';

// `--json`, `--quiet`, `--summary-export` and STRESSLAB_* variables on whole (2 s) runs through the
// real CLI, against a server of known latency: 9 of 10 requests answered in 5 ms, every 10th in 40 ms.
// The fast parts (completion, refusals) are in test/integration/cli/summary-json-quiet.test.ts.

const BIN = fileURLToPath(new URL('../../bin/stresslab.mjs', import.meta.url));
let dir: string;
let server: TestServer;
let scenarioFile: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-summary-'));
  server = await startTestServer({ kind: 'distribution', fastMs: 5, slowMs: 40, slowEvery: 10 });
  scenarioFile = path.join(dir, 'summary.json');
  await fs.writeFile(scenarioFile, JSON.stringify({
    name: 'summary-test',
    description: 'two seconds at 20/s',
    target: { url: server.url, health: '/', timeout: '2s' },
    requests: [{ name: 'root', method: 'GET', path: '/' }],
    load: [{ executor: 'constant-arrival-rate', rate: 20, duration: '2s', preAllocatedVUs: 5, maxVUs: 10, gracefulStop: '1s' }],
    thresholds: { http_req_failed: ['rate<0.01'] },
  }));
});
afterAll(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

function runChild(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, ...env, STRESSLAB_STATE_DIR: path.join(dir, 'state') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('stresslab run --json', () => {
  it('prints one JSON document on stdout and nothing else; the figures are the server\'s and the result\'s', async () => {
    const r = await runChild(['run', scenarioFile, '--json', '--reports-dir', 'reports', '--no-baseline', '--seed', '3']);
    expect(r.code, r.stderr).toBe(0);
    const doc = summaryDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc).toMatchObject({ verdict: 'pass', exitCode: 0, command: 'run', seed: 3, scenario: { name: 'summary-test', profile: null } });
    // Open model: 20/s for 2 s.
    expect(doc.totals.requests).toBeGreaterThanOrEqual(38);
    expect(doc.totals.requests).toBeLessThanOrEqual(42);
    expect(doc.totals.errors).toBe(0);
    // Known latency: most answers take 5 ms, every 10th 40 ms (loopback and a loaded machine add a little).
    expect(doc.totals.latencyMs.p50).toBeGreaterThanOrEqual(4.5);
    expect(doc.totals.latencyMs.p50).toBeLessThan(30);
    expect(doc.totals.latencyMs.max).toBeGreaterThanOrEqual(39);
    // The live view and the human summary went to stderr.
    expect(r.stderr).toContain('verdict: PASS');
    // Rendered from result.json, which is in the run directory it names.
    const result = runResultSchema.parse(JSON.parse(await fs.readFile(path.join(doc.runDir, 'result.json'), 'utf8')));
    expect(doc.runDir.startsWith(path.join(dir, 'reports', 'summary-test'))).toBe(true);
    expect([doc.runId, doc.totals.requests, doc.totals.latencyMs.p95]).toEqual([result.runId, result.totals.requests, result.totals.latencyMs.p95]);
  });
});

describe('--quiet and --summary-export from STRESSLAB_* variables', () => {
  it('prints only the verdict line, writes the document, and takes the flags from the environment', async () => {
    const io = captureIo(dir);
    const exportFile = path.join(dir, 'out', 'summary.json');
    const code = await main(['run', scenarioFile, '--no-baseline'], io, {
      STRESSLAB_QUIET: 'true',
      STRESSLAB_SUMMARY_EXPORT: exportFile,
      STRESSLAB_REPORTS_DIR: path.join(dir, 'quiet-reports'),
      STRESSLAB_SEED: '9',
      STRESSLAB_STATE_DIR: path.join(dir, 'state'),
    });
    expect(code, io.stderr()).toBe(0);
    const lines = io.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^PASS summary-test: \d+ requests, 0 errors \(0\.00 %\), [\d.]+ req\/s, p95 [\d.]+ ms; quiet-reports\/summary-test\/\S+\/$/);
    const doc = summaryDocumentSchema.parse(JSON.parse(await fs.readFile(exportFile, 'utf8')));
    expect(doc).toMatchObject({ verdict: 'pass', seed: 9 });
    expect(doc.runDir.startsWith(path.join(dir, 'quiet-reports'))).toBe(true);
  });
});

