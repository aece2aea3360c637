import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRun } from '../../../harness/analysis/analyze-run.ts';
import { binQuantileMs, busySaturation, generatorHealth, lagSaturatedSeconds, secondRanges } from '../../../harness/analysis/generator-health.ts';
import type { GeneratorSecond } from '../../../harness/contract/generator-second.ts';
import type { RunRecord } from '../../../harness/contract/run-record.ts';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import type { RegressionResult } from '../../../harness/contract/run-result.ts';
import { sliceLatencyBin } from '../../../harness/contract/traffic-slices.ts';
import type { AnalysisSettings } from '../../../harness/run/analysis-settings.ts';
import { fixtureSettings, loadFixtureRecord } from '../../fixtures/run-record/load-run-record.ts';

/** Sparse send-lag bins of these lags (ms), as the recorder writes them. */
function lagBins(lagsMs: readonly number[]): number[] {
  const m = new Map<number, number>();
  for (const l of lagsMs) m.set(sliceLatencyBin(l * 1000), (m.get(sliceLatencyBin(l * 1000)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).flat();
}

function gen(lagsMs: readonly number[], busyPct = 30): GeneratorSecond {
  return { sendLag: lagBins(lagsMs), cpuPct: busyPct + 5, threads: [{ busyPct, loopDelayP99Ms: 1, loopDelayMaxMs: 2, sockets: 7 }] };
}

const onTime = Array.from({ length: 100 }, () => 0.3);
const lagging = [...Array.from({ length: 90 }, () => 0.3), ...Array.from({ length: 10 }, () => 40)];

describe('generator health', () => {
  it('quantiles of log bins land within a bin (±6 %) of the true value', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => 0.01 * (i + 1)); // 0.01 … 10 ms
    expect(binQuantileMs(lagBins(xs), 0.5)! / 5).toBeCloseTo(1, 1);
    expect(binQuantileMs(lagBins(xs), 0.99)! / 9.9).toBeCloseTo(1, 1);
    expect(binQuantileMs([], 0.5)).toBeNull();
  });

  it('a second is saturated by send lag p99 over 5 ms or a load thread over 90 % busy, not otherwise', () => {
    const at = (lags: number[][]) => lagSaturatedSeconds(lags.map((l, t) => ({ t, generator: gen(l) })));
    expect(at([onTime, onTime]).seconds).toEqual([]);
    const lag = at([onTime, lagging, onTime]);
    expect(lag.seconds).toEqual([1]);
    // 40 ms within its log bin (±6.25 %).
    expect(Math.abs(lag.worstP99Ms! / 40 - 1)).toBeLessThan(0.0625);
    expect(busySaturation(gen(onTime, 95))).toMatch(/95 % busy/);
    expect(busySaturation(gen(onTime, 80))).toBeNull();
    // The closed model has no send lag; its busy thread still counts.
    expect(busySaturation({ cpuPct: 99, threads: [{ busyPct: 97, loopDelayP99Ms: 3, loopDelayMaxMs: 9, sockets: 50 }] })).toMatch(/97 % busy/);
  });

  it('quiet seconds are judged together until 100 arrivals: one late arrival among 20 is not a p99', () => {
    const quiet = (late: boolean) => [...Array.from({ length: 19 }, () => 0.5), late ? 30 : 0.5];
    // One hiccup per 5 seconds at 20/s: 1 of 100 arrivals late, the window's p99 is on time.
    const once = lagSaturatedSeconds(Array.from({ length: 10 }, (_, t) => ({ t, generator: gen(quiet(t === 2)) })));
    expect(once.seconds).toEqual([]);
    // Every second late: 5 of 100 in each window, all ten seconds saturated.
    const always = lagSaturatedSeconds(Array.from({ length: 10 }, (_, t) => ({ t, generator: gen(quiet(true)) })));
    expect(always.seconds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('the run is saturated past 5 % of its load seconds; seconds between phases do not count', () => {
    const seconds = (bad: number, of: number) =>
      Array.from({ length: of }, (_, t) => ({ t, phase: 'p' as string | null, generator: gen(t < bad ? lagging : onTime) }));
    expect(generatorHealth(seconds(1, 40))).toMatchObject({ saturated: false, saturatedSeconds: [0], seconds: 40 });
    expect(generatorHealth(seconds(3, 40))).toMatchObject({ saturated: true, saturatedSeconds: [0, 1, 2], maxSockets: 7 });
    const between = [...seconds(0, 40), ...Array.from({ length: 5 }, (_, i) => ({ t: 40 + i, phase: null, generator: gen(lagging) }))];
    expect(generatorHealth(between)?.saturated).toBe(false);
    expect(generatorHealth([{ t: 0, phase: 'p' }])).toBeNull();
  });

  it('says seconds as ranges', () => {
    expect(secondRanges([3, 4, 5, 9, 11, 12])).toBe('3–5, 9, 11–12');
  });
});

describe('a saturated generator in a run', () => {
  let record: RunRecord;
  let settings: AnalysisSettings;
  beforeAll(async () => {
    record = await loadFixtureRecord('short-light');
    settings = await fixtureSettings('short-light');
  });

  const gateSays = (verdict: RegressionResult['verdict']) => (): { regressions: RegressionResult[]; warnings: string[] } => ({
    regressions: ['p50Ms', 'p95Ms{request:validate}', 'errorRate', 'rps'].map((metric) => ({ metric, baseline: 1, current: 1.5, changePct: 50, ciLowPct: 40, ciHighPct: 60, verdict })),
    warnings: [],
  });

  function withGenerator(lags: (t: number) => readonly number[]): RunRecord {
    const seconds = record.timeline.seconds.map((s) => ({ ...s, generator: gen(lags(s.t)) }));
    return { ...record, timeline: { ...record.timeline, seconds } };
  }

  it('latency verdicts become no-data (a regression no longer fails the run), the rest stand; the warning names the seconds', () => {
    const saturated = withGenerator((t) => (t >= 2 && t <= 5 ? lagging : onTime));
    const result = analyzeRun(saturated, { ...settings, gate: gateSays('regression') });
    expect(runResultSchema.safeParse(result).success).toBe(true);
    expect(result.generatorSaturated).toBe(true);
    expect(result.generator?.saturatedSeconds).toEqual([2, 3, 4, 5]);
    expect(Object.fromEntries(result.regressions.map((r) => [r.metric, r.verdict]))).toEqual({ p50Ms: 'no-data', 'p95Ms{request:validate}': 'no-data', errorRate: 'regression', rps: 'regression' });
    expect(result.warnings.join('\n')).toMatch(/load generator saturated in 4 of \d+ s \(seconds 2–5; send lag p99 up to (3[89]|4[0-2])\.\d ms/);
    // errorRate is gated: the run still fails on it, never on latency.
    expect(result.reasons.join('\n')).toMatch(/errorRate/);
    expect(result.reasons.join('\n')).not.toMatch(/p50Ms|p95Ms/);
  });

  it('a generator on schedule changes nothing', () => {
    const result = analyzeRun(withGenerator(() => onTime), { ...settings, gate: gateSays('regression') });
    expect(result.generatorSaturated).toBe(false);
    expect(result.regressions.every((r) => r.verdict === 'regression')).toBe(true);
    expect(result.generator).toMatchObject({ saturated: false, saturatedSeconds: [], maxSockets: 7 });
    expect(result.generator!.sendLagP99Ms!).toBeLessThan(0.5);
  });
});
