import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import type { RunResult } from '../../../harness/contract/run-result.ts';
import { captureIo } from '../../support/capture-io.ts';
import { fixtureRunDir, fixtureScenarioFile } from '../../fixtures/run-record/load-run-record.ts';

/**
 * `stresslab report <run-dir> --reanalyze` on a recorded run directory (test/fixtures/run-record/):
 * result.json and the reports again from record.json + timeline.jsonl, nothing run.
 */
let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-reanalyze-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function copyRun(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await fs.cp(fixtureRunDir('stall-chaos'), dir, { recursive: true });
  return dir;
}

/** The fixture's scenario with the overall p95 threshold replaced. */
async function scenarioWithP95(file: string, expression: string): Promise<string> {
  const scenario = JSON.parse(await fs.readFile(fixtureScenarioFile('stall-chaos'), 'utf8')) as { thresholds: Record<string, string[]>; $schema?: string };
  scenario.thresholds['http_req_duration'] = [expression];
  delete scenario.$schema;
  await fs.writeFile(file, JSON.stringify(scenario, null, 2));
  return file;
}

async function setScenarioFile(dir: string, file: string): Promise<void> {
  const recordFile = path.join(dir, 'record.json');
  const meta = JSON.parse(await fs.readFile(recordFile, 'utf8')) as { scenario: { file: string } };
  meta.scenario.file = file;
  await fs.writeFile(recordFile, JSON.stringify(meta, null, 2));
}

const readResultOf = async (dir: string): Promise<RunResult> => runResultSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'result.json'), 'utf8')));

describe('stresslab report --reanalyze', () => {
  it('a stricter threshold from --scenario turns a passing run into a failing one: exit 1, result.json and reports rewritten', async () => {
    const dir = await copyRun('stricter');
    const before = await readResultOf(dir);
    expect(before.verdict).toBe('pass');
    const reportBefore = await fs.readFile(path.join(dir, 'report.md'), 'utf8').catch(() => '');
    const strict = await scenarioWithP95(path.join(tmp, 'strict.json'), 'p(95)<500');
    const io = captureIo(tmp);
    const code = await main(['report', dir, '--reanalyze', '--scenario', strict], io);
    expect(code, io.stderr()).toBe(1);
    const after = await readResultOf(dir);
    expect(after.verdict).toBe('fail');
    expect(after.reasons).toEqual([`threshold http_req_duration p(95)<500 failed (actual ${before.totals.latencyMs.p95.toFixed(0)})`]);
    // measured data unchanged: only the judgement moved. The fixture's result.json predates OK/KO
    // latency, which reanalysis adds from the timeline: the figures it had stay as they were.
    const { okLatencyMs, koLatencyMs, ...measuredTotals } = after.totals;
    expect(measuredTotals).toEqual(before.totals);
    expect(okLatencyMs?.max).toBeLessThanOrEqual(before.totals.latencyMs.max);
    expect(koLatencyMs?.min).toBeGreaterThanOrEqual(before.totals.latencyMs.min);
    // The fixture was recorded before faults carried their effect: reanalysis judges it (from the
    // traffic), the times measured stay as they were.
    const measured = (f: RunResult['faults'][number]) => ({ ...f, effect: undefined, expectEffect: undefined, evidence: undefined });
    expect(after.faults.map(measured)).toEqual(before.faults.map(measured));
    expect(after.faults.map((f) => f.effect)).toEqual(['observed', 'observed']);
    expect(after.runId).toBe(before.runId);
    expect(io.stdout()).toContain('verdict: FAIL');
    expect(io.stdout()).toContain('strict.json');
    const report = await fs.readFile(path.join(dir, 'report.md'), 'utf8');
    expect(report).not.toBe(reportBefore);
    expect(report).toContain('p(95)<500');
    await expect(fs.stat(path.join(dir, 'junit.xml'))).resolves.toBeTruthy();
    await expect(fs.stat(path.join(dir, 'report.html'))).resolves.toBeTruthy();
  });

  it('without --scenario: the scenario file the record names, unchanged → the same verdict (exit 0); regressions carried over', async () => {
    const dir = await copyRun('same');
    await setScenarioFile(dir, fixtureScenarioFile('stall-chaos'));
    const before = await readResultOf(dir);
    const regression = { metric: 'p95Ms', baseline: 900, current: before.totals.latencyMs.p95, changePct: 9.2, ciLowPct: 6, ciHighPct: 12, verdict: 'suspect' as const };
    await fs.writeFile(path.join(dir, 'result.json'), JSON.stringify({ ...before, regressions: [regression] }));
    const io = captureIo(tmp);
    const code = await main(['report', dir, '--reanalyze'], io);
    expect(code, io.stderr()).toBe(0);
    const after = await readResultOf(dir);
    expect(after.verdict).toBe('pass');
    expect(after.thresholds).toEqual(before.thresholds);
    expect(after.regressions).toEqual([regression]);
    expect(after.warnings.some((w) => w.startsWith('p95Ms may have regressed (suspect)'))).toBe(true);
    expect(io.stderr()).not.toContain('changed since the run');
  });

  it('the scenario the record names no longer exists: exit 2 naming it and suggesting --scenario', async () => {
    const dir = await copyRun('gone');
    const gone = path.join(tmp, 'moved-away.json');
    await setScenarioFile(dir, gone);
    const io = captureIo(tmp);
    expect(await main(['report', dir, '--reanalyze'], io)).toBe(2);
    expect(io.stderr()).toContain(gone);
    expect(io.stderr()).toContain('--scenario');
  });

  it('a run directory written before run records: exit 2 naming record.json', async () => {
    const dir = await copyRun('old');
    await fs.rm(path.join(dir, 'record.json'));
    const io = captureIo(tmp);
    expect(await main(['report', dir, '--reanalyze'], io)).toBe(2);
    expect(io.stderr()).toMatch(/has no record\.json: it was written by an older stresslab/);
    // plain re-rendering still works from result.json
    expect(await main(['report', dir], captureIo(tmp))).toBe(0);
  });
});
