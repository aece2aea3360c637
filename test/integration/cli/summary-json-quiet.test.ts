import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../harness/cli/main.ts';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import { summaryDocumentSchema } from '../../../harness/contract/summary-document.ts';
import { captureIo } from '../../support/capture-io.ts';

// --json and --quiet on a recorded run (`report --reanalyze`: judged again, nothing sent), shell
// completion and the --summary-export refusal. Whole runs with --json / --quiet / STRESSLAB_* are
// in test/reliability/summary-json-quiet.test.ts.

const BIN = fileURLToPath(new URL('../../../bin/stresslab.mjs', import.meta.url));
const RECORDED = fileURLToPath(new URL('../../fixtures/run-record/short-light', import.meta.url));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let dir: string;
let scenarioFile: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-summary-'));
  scenarioFile = path.join(dir, 'summary.json');
  await fs.writeFile(scenarioFile, JSON.stringify({
    name: 'summary-test',
    description: 'never runs here',
    target: { url: 'http://127.0.0.1:9', health: '/', timeout: '2s' },
    requests: [{ name: 'root', method: 'GET', path: '/' }],
    load: [{ executor: 'constant-arrival-rate', rate: 20, duration: '2s', preAllocatedVUs: 5, maxVUs: 10 }],
  }));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('report --reanalyze --json / --quiet (a real recorded run, 22609 requests)', () => {
  it('--json: stdout is the summary document alone, the same figures as the result.json it wrote', async () => {
    const runDir = path.join(dir, 'json-run');
    await fs.cp(RECORDED, runDir, { recursive: true });
    const r = await cli(['report', runDir, '--reanalyze', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = summaryDocumentSchema.parse(JSON.parse(r.stdout));
    const result = runResultSchema.parse(JSON.parse(await fs.readFile(path.join(runDir, 'result.json'), 'utf8')));
    expect(doc).toMatchObject({ command: 'report', verdict: 'pass', exitCode: 0, runDir, runId: result.runId, seed: 14, scenario: { name: 'short-light', profile: null } });
    expect(doc.totals.requests).toBe(22609);
    expect([doc.totals.errors, doc.totals.rps, doc.totals.latencyMs.p95, doc.totals.latencyMs.p99]).toEqual([result.totals.errors, result.totals.rps, result.totals.latencyMs.p95, result.totals.latencyMs.p99]);
    // What it prints for people went to stderr.
    expect(r.stderr).toContain('wrote ');
  });

  it('--quiet: one verdict line on stdout', async () => {
    const runDir = path.join(dir, 'quiet-run');
    await fs.cp(RECORDED, runDir, { recursive: true });
    const r = await cli(['report', runDir, '--reanalyze', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS short-light: 22609 requests, \d+ errors \([\d.]+ %\), [\d.]+ req\/s, p95 [\d.]+ ms; quiet-run\/\n$/);
  });
});

describe('--summary-export', () => {
  it('a --summary-export that cannot be written is exit 2 before anything runs', async () => {
    const io = captureIo(dir);
    const code = await main(['run', scenarioFile, '--no-baseline', '--summary-export', dir, '--reports-dir', path.join(dir, 'never')], io, {});
    expect(code).toBe(2);
    expect(io.stderr()).toContain(`--summary-export ${dir}: is a directory; nothing was run`);
    await expect(fs.stat(path.join(dir, 'never')), 'checked before the reports directory is made').rejects.toThrow();
  });
});

describe('shell completion', () => {
  async function printed(argv: string[]): Promise<string> {
    const original = console.log;
    let text = '';
    console.log = (t: unknown) => void (text += `${String(t)}\n`);
    try {
      expect(await main(argv, captureIo(dir), {})).toBe(0);
    } finally {
      console.log = original;
    }
    return text;
  }

  it('`stresslab completion` prints a script that asks stresslab for the words', async () => {
    const script = await printed(['completion']);
    expect(script).toContain('stresslab --get-yargs-completions');
    expect(script).toMatch(/complete .*stresslab|compdef stresslab/);
  });

  it('completes commands, presets for the scenario, and options of the command on the line', async () => {
    expect((await printed(['--get-yargs-completions', 'stresslab', 'va'])).split('\n')).toContain('validate');
    const presets = (await printed(['--get-yargs-completions', 'stresslab', 'run', 'li'])).split('\n');
    expect(presets).toContain('light');
    expect(presets).not.toContain('spike');
    const flags = (await printed(['--get-yargs-completions', 'stresslab', 'run', 'light', '--'])).split('\n');
    for (const f of ['--reports-dir', '--json', '--quiet', '--summary-export', '--profile']) expect(flags).toContain(f);
    expect(flags).not.toContain('--out');
  });
});
