import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import type { RunResult } from '../../harness/contract/run-result.ts';
import { readTimeline } from '../../harness/metrics/timeline-reader.ts';
import { startTestServer } from '../support/servers/spawn-test-server.ts';
import type { TestServer } from '../support/servers/spawn-test-server.ts';
import { processesOf } from '../support/run-processes.ts';

/**
 * The one failure path (issue 13): a failure at each stage of a run, injected in a real `stresslab
 * run` process (STRESSLAB_FAILPOINTS, harness/core/failpoint.ts, where no real failure can be made
 * on demand) or made real (a full tmpfs). Each run has a CPU
 * hog fault active during the load; every case checks the exit code (5, never 1), what was written,
 * that the hog was rolled back and that no process of the run is left.
 */

const BIN = fileURLToPath(new URL('../../bin/stresslab.mjs', import.meta.url));
let dir = '';
let server: TestServer;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-failure-'));
  server = await startTestServer({ kind: 'fast' });
});
afterAll(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

function scenario(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'failure-path',
    description: 'a run that fails on purpose',
    target: { url: server.url, health: '/', timeout: '2s' },
    requests: [{ name: 'root', method: 'GET', path: '/' }],
    load: [{ executor: 'constant-arrival-rate', rate: 40, duration: '4s', preAllocatedVUs: 5, maxVUs: 10, gracefulStop: '1s' }],
    faults: [{ name: 'hog', kind: 'cpu-hog', at: '500ms', duration: '3s', processes: 1, dutyPercent: 20 }],
    thresholds: { http_req_failed: ['rate<0.5'] },
    ...extra,
  };
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  stateDir: string;
  outDir: string;
  runDir: string | null;
  result: RunResult | null;
}

/** Runs the CLI in its own process; `during` is called once the run's timeline exists. */
async function runCli(name: string, opts: { failpoints?: string; scenario?: Record<string, unknown>; outDir?: string; during?: (runDir: string) => Promise<void> } = {}): Promise<CliRun> {
  const stateDir = await fs.mkdtemp(path.join(dir, `${name}-state-`));
  const outDir = opts.outDir ?? path.join(dir, `${name}-out`);
  const file = path.join(dir, `${name}.json`);
  await fs.writeFile(file, JSON.stringify(opts.scenario ?? scenario()));
  const env = { ...process.env, STRESSLAB_STATE_DIR: stateDir, STRESSLAB_LEDGER: '', STRESSLAB_FAILPOINTS: opts.failpoints ?? '' };
  delete (env as Record<string, string | undefined>).STRESSLAB_LEDGER;
  const child = spawn(process.execPath, [BIN, 'run', file, '--reports-dir', outDir, '--no-baseline', '--seed', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  if (opts.during) {
    const runDir = await waitFor(async () => findRunDir(outDir), 30_000);
    if (runDir !== null) await opts.during(runDir);
  }
  const code = await exited;
  clearTimeout(killer);
  const runDir = findRunDir(outDir);
  let result: RunResult | null = null;
  if (runDir !== null && existsSync(path.join(runDir, 'result.json'))) result = runResultSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8')));
  return { code, stdout, stderr, stateDir, outDir, runDir, result };
}

function findRunDir(outDir: string): string | null {
  const base = path.join(outDir, 'failure-path');
  if (!existsSync(base)) return null;
  const runs = readdirSync(base);
  return runs[0] === undefined ? null : path.join(base, runs[0]);
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/** After the harness exited: the hog was injected and rolled back, and nothing of the run is left. */
async function expectRolledBackAndClean(r: CliRun): Promise<void> {
  expect(processesOf(r.stateDir), 'processes left by the run').toEqual([]);
  const ledger = JSON.parse(await fs.readFile(path.join(r.stateDir, 'ledger.json'), 'utf8').catch(() => '{"entries":[]}')) as { entries: Array<{ state: string }> };
  expect(ledger.entries.filter((e) => e.state === 'active'), 'machine ledger entries still active').toEqual([]);
}

function expectHogInjected(r: CliRun): void {
  expect(r.result?.faults.find((f) => f.name.startsWith('hog'))?.injectedAtMs, 'the hog was injected').toBeTypeOf('number');
}

describe('a failure after the load started takes the Ctrl-C way out: rollback, results so far, verdict error, exit 5', () => {
  it('an uncaught exception mid-load (a bug anywhere in the process)', async () => {
    const r = await runCli('uncaught', { failpoints: 'uncaught-exception' });
    expect(r.code, r.stderr).toBe(5);
    expect(r.result?.verdict).toBe('error');
    expect(r.result?.reasons[0]).toMatch(/the harness failed \(uncaught\): injected uncaught exception.*bug in stresslab/);
    expectHogInjected(r);
    // It stopped the load at once: the 4 s load ended early.
    expect(r.result!.totals.requests).toBeLessThan(40 * 3.5);
    expect(r.stdout).toMatch(/verdict: ERROR/);
    await expectRolledBackAndClean(r);
  });

  it('an unhandled rejection mid-load', async () => {
    const r = await runCli('rejection', { failpoints: 'unhandled-rejection' });
    expect(r.code, r.stderr).toBe(5);
    expect(r.result?.reasons[0]).toMatch(/\(uncaught\): injected unhandled rejection/);
    await expectRolledBackAndClean(r);
  });

  it('a timeline write failing mid-load (ENOSPC): whole lines kept, the run stops, reports still written', async () => {
    const r = await runCli('timeline', { failpoints: 'timeline-write@8' });
    expect(r.code, r.stderr).toBe(5);
    expect(r.result?.verdict).toBe('error');
    expect(r.result?.reasons[0]).toMatch(/\(timeline\): ENOSPC.*the disk is full/);
    const text = await fs.readFile(path.join(r.runDir!, 'timeline.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect((await readTimeline(path.join(r.runDir!, 'timeline.jsonl'))).length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/not written:[\s\S]*timeline\.jsonl: \d+ line\(s\) after the failure/);
    for (const f of ['report.md', 'report.html', 'junit.xml', 'record.json']) expect(existsSync(path.join(r.runDir!, f)), f).toBe(true);
    expect(readFileSync(path.join(r.runDir!, 'junit.xml'), 'utf8')).toContain('the harness failed');
    await expectRolledBackAndClean(r);
  });

  // An audit source answering garbage is not a failure of the harness (verdict inconclusive, exit 1:
  // test/reliability/audit-sources-run.test.ts); the harness itself failing during the audit is.
  it('the harness failing during the integrity audit: the measured run is still written', async () => {
    const r = await runCli('audit', {
      failpoints: 'audit',
      scenario: scenario({
        requests: [{ name: 'root', method: 'GET', path: '/', capture: { executionId: 'service' } }],
        audit: { executions: { capture: 'executionId', graceSeconds: 0 } },
      }),
    });
    expect(r.code, r.stderr).toBe(5);
    expect(r.result?.verdict).toBe('error');
    expect(r.result?.reasons[0]).toMatch(/the harness failed \(audit\)/);
    expect(r.result!.totals.requests).toBeGreaterThan(100);
    expectHogInjected(r);
    await expectRolledBackAndClean(r);
  });

  it('record.json not writable: analysed from memory, result.json written', async () => {
    const r = await runCli('record', { failpoints: 'record' });
    expect(r.code, r.stderr).toBe(5);
    expect(r.result?.reasons[0]).toMatch(/\(record\): ENOSPC/);
    expect(r.stderr).toMatch(/not written:[\s\S]*record\.json/);
    await expectRolledBackAndClean(r);
  });

  it('the analysis throwing: no result, but the record and timeline to analyse again, exit 5', async () => {
    const r = await runCli('analysis', { failpoints: 'analysis' });
    expect(r.code, r.stderr).toBe(5);
    expect(r.result).toBeNull();
    expect(r.stderr).toMatch(/the harness failed \(analysis\)/);
    expect(r.stderr).toMatch(/--reanalyze/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const record = JSON.parse(readFileSync(path.join(r.runDir!, 'record.json'), 'utf8')) as { complete: boolean; faults: Array<{ removedAtMs: number | null }> };
    expect(record.complete).toBe(true);
    expect(record.faults[0]?.removedAtMs).toBeTypeOf('number');
    await expectRolledBackAndClean(r);
  });

  for (const [format, file] of [['json', 'result.json'], ['md', 'report.md'], ['html', 'report.html'], ['junit', 'junit.xml']] as const) {
    it(`the ${file} writer failing: the other reports say so, no temp file left`, async () => {
      const r = await runCli(`report-${format}`, { failpoints: `report:${format}` });
      expect(r.code, r.stderr).toBe(5);
      expect(existsSync(path.join(r.runDir!, file))).toBe(false);
      expect(r.stderr).toMatch(new RegExp(`not written:[\\s\\S]*${file.replace('.', '\\.')}`));
      expect(r.stdout).toMatch(/verdict: ERROR/);
      const others = ['result.json', 'report.md', 'report.html', 'junit.xml'].filter((f) => f !== file);
      for (const f of others) expect(readFileSync(path.join(r.runDir!, f), 'utf8'), f).toMatch(/the harness failed \(report\)/);
      expect(readdirSync(r.runDir!).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      await expectRolledBackAndClean(r);
    });
  }

  it('the history append failing: no history line, the reports say so', async () => {
    const r = await runCli('history', { failpoints: 'history' });
    expect(r.code, r.stderr).toBe(5);
    expect(r.result?.reasons[0]).toMatch(/\(history\)/);
    expect(existsSync(path.join(r.outDir, 'local', 'history.jsonl'))).toBe(false);
    await expectRolledBackAndClean(r);
  });
});

describe('a disk that fills during the run (a real tmpfs)', () => {
  let mnt = '';
  let mounted = false;
  beforeAll(async () => {
    mnt = await fs.mkdtemp(path.join(dir, 'tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { stdio: 'ignore' });
      mounted = true;
    } catch {
      mounted = false;
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mnt], { stdio: 'ignore' });
  });

  it('stops the load, rolls the hog back, prints the verdict and what could not be written, exit 5', async (ctx) => {
    // Mounting needs root (CI and this machine are); elsewhere the failpoint cases above stand in.
    if (!mounted) ctx.skip();
    const r = await runCli('full-disk', {
      outDir: path.join(mnt, 'reports'),
      during: async (runDir) => {
        // Once the load is on, fill what is left of the file system.
        await waitFor(async () => (existsSync(path.join(runDir, 'record.json')) ? true : null), 20_000);
        await new Promise((res) => setTimeout(res, 1500));
        await fs.writeFile(path.join(mnt, 'filler'), Buffer.alloc(8 * 1024 * 1024)).catch(() => undefined);
      },
    });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toMatch(/verdict: ERROR/);
    expect(r.stdout).toMatch(/the harness failed \(timeline\): .*ENOSPC.*the disk is full/);
    expect(r.stderr).toMatch(/not written:[\s\S]*timeline\.jsonl/);
    const text = await fs.readFile(path.join(r.runDir!, 'timeline.jsonl'), 'utf8');
    expect(text.length).toBeGreaterThan(0);
    expect(text.endsWith('\n'), 'the timeline ends with a whole line').toBe(true);
    expect((await readTimeline(path.join(r.runDir!, 'timeline.jsonl'))).length).toBe(text.split('\n').length - 1);
    expect(readdirSync(r.runDir!).filter((f) => f.endsWith('.tmp')), 'temp files left').toEqual([]);
    await expectRolledBackAndClean(r);
  });
});
