import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';
import type { HistoryChangePoints } from '../../../harness/report/history-change-points.ts';
import type { HistoryLine } from '../../../harness/report/history-line.ts';
import { captureIo } from '../../support/capture-io.ts';
import { nightLine } from '../../fixtures/report/nightly-history.ts';

/** `stresslab history check <file>` on history.jsonl files written to a temp dir, in-process. */
let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-history-check-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A ±1.2 % wiggle of period 7, so the series look measured but every run of the test is the same. */
const WIGGLE = [0, 0.01, -0.008, 0.004, -0.012, 0.007, -0.003];

/** `n` nightly runs; p95 steps up by `step` from night `at` on. */
function nights(n: number, step = 0, at = n): HistoryLine[] {
  return Array.from({ length: n }, (_, i) => {
    const w = 1 + (WIGGLE[i % WIGGLE.length] as number);
    return nightLine(i, {
      p50Ms: 3 * w, p95Ms: 10 * (i >= at ? 1 + step : 1) * w, p99Ms: 20 * w, rps: 200 * w, errorRate: 0, mttrSec: null,
      targetCpuMsPerRequest: 0.3 * w, calibrationUs: 900, targetExited: false,
    });
  });
}

async function write(name: string, lines: readonly (HistoryLine | string)[]): Promise<string> {
  const file = path.join(tmp, name);
  await fs.writeFile(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

async function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo(tmp);
  const code = await main(['history', 'check', ...args], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('stresslab history check', () => {
  it('a chaos scenario whose time to detect went from 2 s to 6 s: exit 1 on --metric ttdSec, in seconds', async () => {
    const lines = nights(30).map((l, i) => ({ ...l, faults: 2, mttrSec: 8, maxTtrSec: 9, ttdSec: (i < 15 ? 2 : 6) * (i % 2 === 0 ? 1.01 : 0.99), maxTtdSec: 7 }));
    const { code, stdout, stderr } = await check(await write('ttd.jsonl', lines), '--metric', 'ttdSec', '--metric', 'mttrSec');
    expect(code, stderr).toBe(ExitCode.gateFailed);
    expect(stdout).toMatch(/REGRESSION: ttdSec \+\d+\.\d% \(2\.00 s → 6\.00 s\) since 2025-01-16, run light-15/);
    expect(stdout).toContain('no change point: mttrSec');
  });

  it('a quiet history: exit 0, no change point', async () => {
    const { code, stdout, stderr } = await check(await write('quiet.jsonl', nights(30)));
    expect(code, stderr).toBe(ExitCode.ok);
    expect(stdout).toContain('light (profile quick): 30 runs compared');
    expect(stdout).toContain('no change point: p50Ms, p95Ms, p99Ms, rps, errorRate, targetCpuMsPerRequest');
    expect(stdout).toMatch(/verdict: no regression in the newest runs\n$/);
  });

  it('a 10 % p95 step in the newest runs: exit 1 naming the metric, the first run of the shift and its git sha', async () => {
    const file = await write('step.jsonl', nights(45, 0.1, 30));
    const { code, stdout, stderr } = await check(file);
    expect(code, stderr).toBe(ExitCode.gateFailed);
    // The change point row: date, run, short sha, before → after, change, p, direction.
    expect(stdout).toMatch(/p95Ms\s+2025-01-31\s+light-30\s+0030deadbe\s+\d+\.\d+ ms → \d+\.\d+ ms\s+\+(9\.9|10\.\d)%\s+\d\.\de-\d+\s+worse/);
    expect(stdout).toMatch(/REGRESSION: p95Ms \+(9\.9|10\.\d)% \(10\.\d\d ms → 1[01]\.\d\d ms\) since 2025-01-31, run light-30, git 0030deadbe: worse than the 5% tolerance/);
    expect(stdout).toContain('verdict: REGRESSION in light (profile quick) p95Ms since run light-30 (git 0030deadbe)');
    // The same shift within a 15 % tolerance is shown, but passes.
    const loose = await check(file, '--tolerance', '15');
    expect(loose.code, loose.stderr).toBe(ExitCode.ok);
    expect(loose.stdout).toContain('light-30');
    expect(loose.stdout).toContain('verdict: no regression');
    // Restricted to metrics that did not move.
    const others = await check(file, '--metric', 'p50Ms', '--metric', 'rps');
    expect(others.code, others.stderr).toBe(ExitCode.ok);
    expect(others.stdout).toContain('no change point: p50Ms, rps');
    expect(others.stdout).not.toContain('p95Ms');
  });

  it('--since accepts a deliberate shift: only the runs from that run id, git sha or date on are judged', async () => {
    // The step at night 30 is intended; 20 nights later the new level is the norm.
    const file = await write('accepted.jsonl', nights(50, 0.1, 30));
    expect((await check(file)).code).toBe(ExitCode.gateFailed);
    for (const since of ['light-30', '0030deadbe', '2025-01-31']) {
      const r = await check(file, '--since', since);
      expect(r.code, `${since}: ${r.stdout}${r.stderr}`).toBe(ExitCode.ok);
      expect(r.stdout).toContain('light (profile quick): 20 runs compared');
    }
    const bad = await check(file, '--since', 'yesterday');
    expect(bad.code).toBe(ExitCode.badInput);
    expect(bad.stderr).toMatch(/--since "yesterday" is no run id or git sha in .*accepted\.jsonl, nor an ISO date/);
  });

  it('--json: the result on stdout, nothing else, with the same exit code', async () => {
    await write('step-json.jsonl', nights(45, 0.1, 30));
    // A path relative to the working directory, echoed as given.
    const { code, stdout, stderr } = await check('step-json.jsonl', '--json', '--p-value', '0.0001');
    expect(code, stderr).toBe(ExitCode.gateFailed);
    const result = JSON.parse(stdout) as HistoryChangePoints & { file: string; runs: number };
    expect(result).toMatchObject({ file: 'step-json.jsonl', runs: 45, verdict: 'regression', tolerancePct: 5, maxPValue: 0.0001, minRuns: 12 });
    expect(result.regressions).toEqual([
      { group: 'light (profile quick)', shift: expect.objectContaining({ metric: 'p95Ms', runId: 'light-30', gitSha: '0030deadbeefcafe', direction: 'worse' }) as unknown },
    ]);
  });

  it('too few runs is not an error: exit 0 with how many are needed', async () => {
    const { code, stdout, stderr } = await check(await write('young.jsonl', nights(8)));
    expect(code, stderr).toBe(ExitCode.ok);
    expect(stdout).toContain('light (profile quick): 8 runs, at least 12 needed to find a change point');
    expect(stdout).toContain('verdict: too few runs to find a change point: 8 runs, at least 12 needed');
    const empty = await check(await write('empty.jsonl', []));
    expect(empty.code, empty.stderr).toBe(ExitCode.ok);
    expect(empty.stdout).toContain('0 runs, at least 12 needed');
  });

  it('a damaged line: exit 2 naming the file, the line number and the field, with a fix hint', async () => {
    const lines: (HistoryLine | string)[] = nights(30);
    lines[6] = JSON.stringify({ ...nights(30)[6], p95Ms: 'slow' });
    lines[11] = '{"schemaVersion":1,"runId":"light-11","scen';
    const file = await write('damaged.jsonl', lines);
    const { code, stdout, stderr } = await check(file);
    expect(code).toBe(ExitCode.badInput);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file} has 2 damaged lines; the check refuses a damaged history`);
    expect(stderr).toContain(`${file} at line 7: p95Ms:`);
    expect(stderr).toContain(`${file} at line 12: not valid JSON`);
    expect(stderr).toMatch(/hint: repair the line, or delete it/);
  });

  it('a missing or unreadable file, or a bad option: exit 2', async () => {
    const missing = await check(path.join(tmp, 'nope.jsonl'));
    expect(missing.code).toBe(ExitCode.badInput);
    expect(missing.stderr).toContain(`no run history at ${path.join(tmp, 'nope.jsonl')}`);
    const dir = await check(tmp);
    expect(dir.code).toBe(ExitCode.badInput);
    expect(dir.stderr).toContain(`cannot read ${tmp}`);
    const file = await write('options.jsonl', nights(12));
    const metric = await check(file, '--metric', 'p96Ms');
    expect(metric.code).toBe(ExitCode.badInput);
    expect(metric.stderr).toContain('did you mean "p95Ms"');
    expect((await check(file, '--tolerance', '0')).code).toBe(ExitCode.badInput);
    expect((await check(file, '--p-value', '1')).code).toBe(ExitCode.badInput);
    expect((await main(['history', 'chekc', file], captureIo(tmp)))).toBe(ExitCode.badInput);
  });
});
