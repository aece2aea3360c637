import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../harness/cli/main.ts';
import { compareDocumentSchema } from '../../../harness/contract/compare-document.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';
import { newBaseline } from '../../../harness/baseline/baseline-builder.ts';
import { runResult, stats } from '../baseline/run-result-fixture.ts';
import { captureIo } from './validate-list-plan-io.ts';

// `compare --json` and `--quiet` on real files: a five-run baseline whose p95 sits at 38-41 ms,
// against a run at the same speed and one 30 % slower (a gated regression).

let dir: string;
let baseline: string;
const p95s = [38, 40, 41, 39, 40];

async function writeRun(name: string, p95: number): Promise<string> {
  const file = path.join(dir, name, 'result.json');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify(runResult({ runId: name, totals: stats(6000, p95, 6) })));
  return file;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-compare-json-'));
  baseline = path.join(dir, 'light.quick.json');
  const runs = p95s.map((p95, i) => runResult({ runId: `b${i}`, totals: stats(6000, p95, 6) }));
  await fs.writeFile(baseline, JSON.stringify(newBaseline(runs, { nowIso: '2026-01-01T00:00:00.000Z', harnessVersion: '0.1.0' })));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function compare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo(dir);
  const code = await main(['compare', ...args], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('compare --json', () => {
  it('a 30 % slower p95: exit 1, stdout is the document alone, p95 among the gated regressions; the table on stderr', async () => {
    const slow = await writeRun('slow', 52);
    const r = await compare(path.relative(dir, path.dirname(slow)), baseline, '--json');
    expect(r.code).toBe(ExitCode.gateFailed);
    const doc = compareDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc).toMatchObject({ command: 'compare', verdict: 'fail', exitCode: 1, tolerancePct: 5 });
    expect(doc.current).toEqual({ file: slow, runId: 'slow', scenario: { name: 'light', profile: 'quick' } });
    expect(doc.reference).toEqual({ file: baseline, kind: 'baseline', runs: 5 });
    const p95 = doc.regressions.gated.find((g) => g.metric === 'p95Ms');
    expect(p95).toMatchObject({ verdict: 'regression', gated: true, current: 52 });
    expect(p95?.rawChangePct).toBeCloseTo((52 / 40 - 1) * 100, 6);
    expect(doc.regressions.compared).toBeGreaterThan(doc.regressions.gated.length);
    expect(r.stderr).toContain('REGRESSION in');
  });

  it('a run at the baseline speed: exit 0, verdict pass, nothing gated; --tolerance is the one reported', async () => {
    const same = await writeRun('same', 40);
    const r = await compare(same, baseline, '--json', '--tolerance', '8');
    expect(r.code).toBe(ExitCode.ok);
    const doc = compareDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc).toMatchObject({ verdict: 'pass', exitCode: 0, tolerancePct: 8 });
    expect(doc.regressions.gated).toEqual([]);
  });

  it('another run as the reference: kind run, one run', async () => {
    const a = await writeRun('ref-a', 40);
    const b = await writeRun('ref-b', 40);
    const doc = compareDocumentSchema.parse(JSON.parse((await compare(b, a, '--json')).stdout));
    expect(doc.reference).toEqual({ file: a, kind: 'run', runs: 1 });
  });
});

describe('compare --quiet', () => {
  it('prints the one-line outcome only; with --json, only the JSON', async () => {
    const slow = await writeRun('slow-q', 52);
    const quiet = await compare(slow, baseline, '--quiet');
    expect(quiet.code).toBe(ExitCode.gateFailed);
    expect(quiet.stdout.trim().split('\n')).toHaveLength(1);
    expect(quiet.stdout).toMatch(/^REGRESSION in .*p95Ms/);
    const both = await compare(slow, baseline, '--quiet', '--json');
    expect(compareDocumentSchema.parse(JSON.parse(both.stdout)).verdict).toBe('fail');
    expect(both.stderr).not.toContain('REGRESSION');
  });
});
