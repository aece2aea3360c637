import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { importK6Summaries, type ImportInput } from '../../../harness/k6/import-summary.ts';
import { k6Fingerprint } from '../../../harness/k6/k6-fingerprint.ts';
import { readK6Summary, readOutJson } from '../../../harness/k6/read-k6-inputs.ts';
import { parseK6Summary, type K6Summary } from '../../../harness/k6/summary-formats.ts';
import { loadPlan } from '../../../harness/plan/load-plan.ts';

const repo = path.resolve(import.meta.dirname, '..', '..', '..');
const fixtures = path.join(repo, 'test', 'fixtures', 'k6');
const HANDLE = path.join(fixtures, 'handle-summary-data', 'k6-summary.json');
const FAILED = path.join(fixtures, 'summary-export-threshold-failed', 'k6-summary.json');
const PAIRED = path.join(fixtures, 'summary-export-and-out-json', 'summary-export.json');
const POINTS = path.join(fixtures, 'summary-export-and-out-json', 'output.json');
const NOW = Date.UTC(2026, 0, 1);

function input(summaries: K6Summary[], extra: Partial<ImportInput> = {}): ImportInput {
  const fingerprint = k6Fingerprint(summaries.length);
  return { summaries, exact: null, scenario: null, runId: 'r1', nowEpochMs: NOW, environment: { name: 'k6', fingerprint, fingerprintHash: 'x' }, targetUrl: null, ...extra };
}

const raw = async (file: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

describe('k6 checks survive the import', () => {
  it('keeps the 509 failed checks of the real handleSummary file, per check and in total', async () => {
    const r = runResultSchema.parse(importK6Summaries(input([await readK6Summary(HANDLE)])));
    expect(r.checks).toMatchObject({ passes: 2907, fails: 509, thresholds: [] });
    expect(r.checks?.rate).toBeCloseTo(2907 / 3416, 12);
    expect(r.checks?.byName.map((c) => [c.name, c.passes, c.fails])).toEqual([
      ['status is 200', 854, 0], ['has translated field', 854, 0], ['translation not empty', 854, 0], ['response time < 10s', 345, 509],
    ]);
    expect(r.warnings).toContain('k6 checks failed: 509 of 3416 (14.90 %): "response time < 10s" 509 of 854');
    // Checks alone do not fail a k6 run; the failed p(95) threshold does.
    expect(r.reasons.join()).not.toMatch(/check/);
  });

  it('reads the summary-export map of checks, and a threshold on checks with its verdict', async () => {
    const r = importK6Summaries(input([await readK6Summary(FAILED)]));
    expect(r.checks).toMatchObject({ passes: 388556, fails: 0, rate: 1 });
    expect(r.checks?.byName.map((c) => c.name)).toEqual(['unknown: status is 404', 'anon: status is 200 or 429', 'auth: status is 200 or 429']);
    expect(r.warnings.join()).not.toMatch(/checks failed/);

    const data = await raw(HANDLE);
    const metrics = data.metrics as Record<string, Record<string, unknown>>;
    metrics.checks = { ...metrics.checks, thresholds: { 'rate>0.9': { ok: false } } };
    const judged = importK6Summaries(input([parseK6Summary(data, 'x.json')]));
    expect(judged.checks?.thresholds).toEqual([{ expression: 'rate>0.9', actual: 2907 / 3416, pass: false }]);
    expect(judged.thresholds).toContainEqual({ metric: 'checks', expression: 'rate>0.9', actual: 2907 / 3416, pass: false });
  });

  it('sums checks across pods by check', async () => {
    const s = await readK6Summary(HANDLE);
    const r = importK6Summaries(input([s, s]));
    expect(r.checks).toMatchObject({ passes: 5814, fails: 1018 });
    expect(r.checks?.byName.find((c) => c.name === 'response time < 10s')).toMatchObject({ passes: 690, fails: 1018 });
  });
});

describe('the start time of an imported k6 run', () => {
  it('is the first --out json point, never the import time', async () => {
    const { points } = await readOutJson([POINTS]);
    const text = await readFile(POINTS, 'utf8');
    const first = Math.min(...[...text.matchAll(/"time":"([^"]+)"/g)].map((m) => Date.parse(m[1] ?? '')));
    const r = importK6Summaries(input([await readK6Summary(PAIRED)], { exact: points }));
    expect(r.startedAt).toBe(new Date(first).toISOString());
    expect(r.startedAt.startsWith('2024-08-05T08:24:')).toBe(true);
    expect(r.startedAtKnown).toBeUndefined();
  });

  it('is the end a summary records less its duration: the machine-readable generatedAt, or the exported script\'s summaryAt', async () => {
    const data = { ...(await raw(HANDLE)), stresslab: { summaryAt: '2026-03-01T10:00:00.000Z' } };
    const r = importK6Summaries(input([parseK6Summary(data, 'x.json')]));
    expect(r.startedAt).toBe(new Date(Date.UTC(2026, 2, 1, 10) - 129885.89).toISOString());
    expect(Date.parse(r.endedAt)).toBeCloseTo(Date.UTC(2026, 2, 1, 10), -1);
    expect(r.startedAtKnown).toBeUndefined();

    const machine = {
      version: '1.0.0', metadata: { generatedAt: '2026-02-02T12:00:10Z', k6Version: '2.2.0' }, config: { duration: 10, execution: 'local', script: 's.ts' },
      results: { metrics: [{ name: 'http_reqs', type: 'counter', values: { count: 20 } }], checks: { metrics: [], results: [{ name: 'ok', passes: 19, fails: 1 }] } },
    };
    const m = importK6Summaries(input([parseK6Summary(machine, 'm.json')]));
    expect(m.startedAt).toBe('2026-02-02T12:00:00.000Z');
    expect(m.checks).toMatchObject({ passes: 19, fails: 1, byName: [{ name: 'ok', path: '::ok', passes: 19, fails: 1 }] });
  });

  it('is said to be unknown when the input has no clock time', async () => {
    for (const file of [HANDLE, FAILED]) {
      const r = runResultSchema.parse(importK6Summaries(input([await readK6Summary(file)])));
      expect(r.startedAtKnown).toBe(false);
      expect(r.warnings.join('\n')).toMatch(/no clock time, so when the test ran is unknown/);
    }
  });
});

describe('--scenario against the k6 input', () => {
  const tagged = (phase: string, request: string): K6Summary => parseK6Summary({
    metrics: {
      http_reqs: { type: 'counter', values: { count: 10, rate: 1 } },
      [`http_reqs{phase:${phase}}`]: { type: 'counter', values: { count: 10, rate: 1 } },
      [`http_reqs{request:${request}}`]: { type: 'counter', values: { count: 10, rate: 1 } },
    },
    state: { testRunDurationMs: 10_000 },
  }, 'x.json');

  async function chaosDb(): Promise<NonNullable<ImportInput['scenario']>> {
    const { loaded, plan } = await loadPlan('chaos-db', { cwd: repo, profile: undefined, seed: 0 });
    return { ...loaded, plan };
  }

  it('refuses, as bad input (exit 2), a scenario none of whose phases or requests are in the input', async () => {
    const scenario = await chaosDb();
    let error: unknown;
    try {
      importK6Summaries(input([tagged('spike', 'home')], { scenario }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StresslabError);
    expect((error as StresslabError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/--scenario chaos-db does not match the k6 input: the input has phases spike; requests home/);
  });

  it('warns, with a did-you-mean, when only some names match', async () => {
    const scenario = await chaosDb();
    const r = importK6Summaries(input([tagged('steady', 'exekute')], { scenario }));
    expect(r.warnings).toContain('--scenario chaos-db: request execute is not in the k6 input (did you mean exekute, which is?); its figures are empty');
    expect(r.warnings.join('\n')).toMatch(/request validate-100 is not in the k6 input; its figures are empty/);
    // The same scenario, edited since the export (phases renamed): warned about, not refused.
    const recorded = { ...tagged('warmup', 'execute'), exportedFrom: { scenario: 'chaos-db', hash: 'an-older-hash' } };
    const edited = importK6Summaries(input([recorded], { scenario }));
    expect(edited.warnings).toContain('--scenario chaos-db: the scenario changed since the script was exported (another hash); thresholds and names are today\'s');
    expect(edited.warnings).toContain('--scenario chaos-db: phase steady is not in the k6 input; its figures are empty');
    expect(() => importK6Summaries(input([{ ...recorded, exportedFrom: { scenario: 'spike', hash: null } }], { scenario }))).toThrow(/the input was exported from scenario spike/);
    const untagged = importK6Summaries(input([await readK6Summary(HANDLE)], { scenario }));
    expect(untagged.warnings.join('\n')).toMatch(/--scenario chaos-db cannot be checked against the k6 input: it has no phase:\/request: tags/);
  });
});
