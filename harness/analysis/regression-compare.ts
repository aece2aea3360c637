import type { RegressionResult } from '../contract/run-result.ts';
import { MACHINE_SENSITIVE_BASES, metricSpecFor } from './gate-metrics.ts';
import type { MetricBase, MetricSpec } from './gate-metrics.ts';
import { mean, median } from './stats/order-stats.ts';
import { changeInterval } from './stats/change-interval.ts';
import type { ChangeInterval, IntervalMethod } from './stats/change-interval.ts';
import { covariateInterval } from './stats/covariate-interval.ts';
import { pairedInterval } from './stats/paired-interval.ts';
import { detectableChange } from './stats/detectable-change.ts';
import type { Rng } from '../core/seeded-rng.ts';

/**
 * The 5 % regression gate for one metric (docs/regression-gate.md): runs are the replicates, one
 * value per run. The change is estimated on the log scale (ratio of geometric means) for
 * relative metrics and as a difference for absolute ones (error rate), with a two-sided 90 %
 * interval [L, U] (one-sided 95 % bounds), oriented so that positive means worse.
 *
 * - regression: L > threshold (the whole interval is worse than the tolerance, i.e. beyond the
 *   noise between runs) and the absolute floor is exceeded;
 * - suspect: the point estimate is worse than the tolerance and the floor, but the interval
 *   reaches below the tolerance (inside the noise);
 * - ok: anything else, including an inconclusive interval around a small change (the interval
 *   is in the result for whoever wants to add runs);
 * - no-data: no current run or fewer than `minBaselineRuns` (default 2: one run has no noise
 *   estimate) baseline runs with enough samples (the catalogue's minSamples, e.g. p99 needs 2 000
 *   requests). baseline/current/changePct are still filled when the values exist.
 * The threshold is ln(1 + tolerance) for relative metrics and the floor for absolute ones. A
 * relative metric with a value ≤ 0 in any run (e.g. MTTR 0 when nothing was impacted) falls back
 * to the difference scale with threshold tolerance × |baseline mean|.
 * `baseline`/`current` are medians of the runs; `changePct` is current/baseline − 1 of those
 * medians; ciLowPct/ciHighPct bound the change of the means the test uses (geometric for relative
 * metrics), in percent of the baseline; null where the baseline is 0.
 *
 * When every usable run carries a covariate (the machine calibration, for latency metrics of a
 * target on this machine), the interval is the covariate-corrected one (covariate-interval.ts):
 * the change at equal machine speed, and `changePct` is that fitted change (`correction:
 * 'machine-speed'`); `rawChangePct` keeps the ratio of medians, so a report can show both. Where that
 * model cannot be fitted, the plain interval stands.
 *
 * `design: 'paired'` (stresslab ab): run i of each side ran next to each other; the interval is over
 * the per-pair differences (paired-interval.ts) and needs no machine correction, since a pair shares
 * the machine's mood.
 *
 * Every comparison also states what it could have seen (stats/detectable-change.ts): `mdcPct`, the
 * smallest true change its interval tells apart from none with 80 % power at the noise it observed,
 * and `runsNeeded`, the runs per side (pairs, when paired) that would bring that under the
 * threshold. A gated metric that would read `ok` while its detectable change exceeds the threshold
 * is `blind`: it could not have seen a regression of the tolerance's size.
 */

export interface RunValue {
  value: number | null;
  /** Samples behind the value (requests, injections…); undefined = unknown, accepted. */
  samples?: number;
  /** The machine's speed during the run (calibrationUs), for metrics corrected for it. */
  covariate?: number | null;
}

export interface CompareOptions {
  /** Relative tolerance in percent. Default 5. */
  tolerancePct?: number;
  /** Two-sided confidence level of the interval. Default 0.90. */
  confidence?: number;
  minBaselineRuns?: number;
  method?: IntervalMethod;
  /** Required for `method: 'bootstrap'`. */
  rng?: Rng;
  /** Overrides of the catalogue entry (floor, minSamples, gated, better, scale). */
  spec?: Partial<Omit<MetricSpec, 'base'>>;
  /** The environment fingerprints differ: every verdict carries a warning. */
  fingerprintMismatch?: boolean;
  /** `paired`: baselineRuns[i] and currentRuns[i] are a pair (stresslab ab). Default independent. */
  design?: 'independent' | 'paired';
}

export interface RegressionComparison extends RegressionResult {
  gated: boolean;
  rawChangePct: number | null;
  correction: NonNullable<RegressionResult['correction']>;
  /** Why the verdict is what it is (a sentence for reports). */
  note: string;
  warnings: string[];
  /**
   * Whether more runs could change the verdict: false when the whole interval is beyond the threshold
   * (regression) or inside it (a confirmed ok), or the change cannot reach the absolute floor.
   * What `--runs auto` keeps running for. no-data counts as decided: a run's sample count or a
   * missing baseline run is not what another candidate run changes.
   */
  decided: boolean;
}

const DEFAULT_SPEC: Omit<MetricSpec, 'base'> = { better: 'lower', scale: 'relative', floor: 0, minSamples: 0, gated: false, unit: '', description: 'metric' };

export function compareMetric(metric: string, baselineRuns: readonly RunValue[], currentRuns: readonly RunValue[], options: CompareOptions = {}): RegressionComparison {
  const catalogued = metricSpecFor(metric);
  const spec = { ...DEFAULT_SPEC, ...(catalogued ?? {}), ...definedOnly(options.spec ?? {}) };
  const usable = (r: RunValue): r is RunValue & { value: number } =>
    r.value !== null && Number.isFinite(r.value) && (r.samples === undefined || r.samples >= spec.minSamples);
  const paired = options.design === 'paired';
  if (paired && baselineRuns.length !== currentRuns.length) throw new Error(`compareMetric ${metric}: ${baselineRuns.length} and ${currentRuns.length} runs are not pairs`);
  // Paired, a pair counts only whole: one side without a value drops its partner too.
  const keep = paired ? baselineRuns.map((r, i) => usable(r) && usable(currentRuns[i] as RunValue)) : null;
  const usableA = keep === null ? baselineRuns.filter(usable) : baselineRuns.filter((_, i) => keep[i]) as Array<RunValue & { value: number }>;
  const usableB = keep === null ? currentRuns.filter(usable) : currentRuns.filter((_, i) => keep[i]) as Array<RunValue & { value: number }>;
  const a = usableA.map((r) => r.value);
  const b = usableB.map((r) => r.value);
  const covariates = paired ? null : covariatesOf(usableA, usableB);
  const warnings = options.fingerprintMismatch === true ? ['the environment fingerprint differs from the baseline\'s: the comparison may measure the machine, not the build'] : [];
  if (catalogued === null) warnings.push(`"${metric}" is not in the metric catalogue: compared as lower-is-better without a floor`);
  const baseline = a.length > 0 ? median(a) : null;
  const current = b.length > 0 ? median(b) : null;
  const changePct = baseline !== null && current !== null && baseline !== 0 ? (current / baseline - 1) * 100 : null;
  // `changePct` starts raw; a corrected or paired judgement replaces it with the change it judged.
  const head = { metric, baseline, current, changePct, rawChangePct: changePct, correction: 'none' as const, gated: spec.gated, warnings };
  const minBaseline = options.minBaselineRuns ?? 2;
  if (b.length === 0 || a.length < minBaseline) {
    const note = b.length === 0
      ? `no current run has a value with at least ${spec.minSamples} samples`
      : paired
        ? `${a.length} whole pair(s) with at least ${spec.minSamples} samples on both sides, ${minBaseline} needed to estimate the noise`
        : `${a.length} baseline run(s) with at least ${spec.minSamples} samples, ${minBaseline} needed to estimate the noise`;
    return { ...head, ciLowPct: null, ciHighPct: null, verdict: 'no-data', note, mdcPct: null, runsNeeded: null, decided: true };
  }
  // Paired, CPU time is divided by the machine's speed in its own run (β fixed at 1: the probe's CPU
  // time per unit of fixed work and the target's per request slow down alike), which needs no degree
  // of freedom: two runs of a pair minutes apart can still differ by ±6 % in machine speed.
  const perSpeed = paired && CPU_TIME_BASES.has(spec.base as MetricBase) ? covariatesOf(usableA, usableB) : null;
  if (perSpeed !== null) {
    const judged = judge(spec, a.map((v, i) => v / (perSpeed.a[i] as number)), b.map((v, i) => v / (perSpeed.b[i] as number)), baseline, current, options, null);
    return { ...head, ...judged, correction: 'machine-speed', note: `${judged.note} (CPU time per unit of machine speed, each run divided by its calibration)` };
  }
  return { ...head, ...judge(spec, a, b, baseline, current, options, covariates) };
}

/** CPU-time metrics: what a paired comparison divides by each run's machine calibration. */
const CPU_TIME_BASES: ReadonlySet<MetricBase> = new Set(['targetCpuMsPerRequest']);

/** The covariates of every run, or null unless all have a positive one. */
function covariatesOf(a: readonly RunValue[], b: readonly RunValue[]): { a: number[]; b: number[] } | null {
  const ok = (r: RunValue): boolean => typeof r.covariate === 'number' && r.covariate > 0 && Number.isFinite(r.covariate);
  if (!a.every(ok) || !b.every(ok)) return null;
  return { a: a.map((r) => r.covariate as number), b: b.map((r) => r.covariate as number) };
}

type Judgement = Pick<RegressionComparison, 'ciLowPct' | 'ciHighPct' | 'verdict' | 'note' | 'mdcPct' | 'runsNeeded' | 'decided' | 'correction'> & { changePct?: number | null };

function judge(
  spec: Omit<MetricSpec, 'base'>,
  a: number[],
  b: number[],
  baseline: number | null,
  current: number | null,
  options: CompareOptions,
  covariates: { a: number[]; b: number[] } | null,
): Judgement {
  const tolerance = (options.tolerancePct ?? 5) / 100;
  const logScale = spec.scale === 'relative' && [...a, ...b].every((v) => v > 0);
  const confidence = options.confidence ?? 0.9;
  const corrected = logScale && covariates !== null ? covariateInterval(a, b, covariates.a, covariates.b, confidence) : null;
  const plain = (): ChangeInterval =>
    changeInterval(a, b, {
      scale: logScale ? 'log' : 'difference',
      confidence,
      method: options.method ?? 'welch',
      ...(options.rng === undefined ? {} : { rng: options.rng }),
    });
  const ci: ChangeInterval = options.design === 'paired'
    ? pairedInterval(a, b, { scale: logScale ? 'log' : 'difference', confidence })
    : corrected === null
      ? plain()
      : { scale: 'log', method: 'welch', estimate: corrected.estimate, low: corrected.low, high: corrected.high, confidence, baselineMean: mean(a), se: corrected.se, df: corrected.df };
  const how = corrected === null ? '' : ` (corrected for machine speed, β = ${corrected.beta.toFixed(2)})`;
  const sign = spec.better === 'lower' ? 1 : -1;
  const low = sign === 1 ? ci.low : -ci.high;
  const high = sign === 1 ? ci.high : -ci.low;
  const estimate = sign * ci.estimate;
  const threshold = ci.scale === 'log' ? Math.log1p(tolerance) : spec.scale === 'absolute' ? spec.floor : tolerance * Math.abs(ci.baselineMean);
  // Corrected or paired, the change in the metric's unit is the estimated one, not the raw difference
  // of medians (which a faster or slower machine, or the other pairs, moved).
  const estimated = corrected !== null ? corrected.estimate : ci.method === 'paired' && ci.scale === 'log' ? ci.estimate : null;
  const change = baseline === null || current === null ? null : estimated === null ? current - baseline : baseline * Math.expm1(estimated);
  const floorExceeded = change !== null && sign * change > spec.floor;
  const pct = (v: number): number | null => (ci.scale === 'log' ? Math.expm1(v) * 100 : ci.baselineMean !== 0 ? (v / Math.abs(ci.baselineMean)) * 100 : null);
  // What the gate claims to see: changes beyond the tolerance and, in the metric's unit, the floor
  // (a 5 % change of a 3 s MTTR is under its 2 s floor and never counts, so it cannot be missed).
  const seeable = ci.scale === 'log' && baseline !== null && baseline > 0 && spec.floor > 0 ? Math.max(threshold, Math.log1p(spec.floor / baseline)) : threshold;
  const mdc = detectableChange(ci.se, ci.df, confidence);
  const sight = { mdcPct: Number.isFinite(mdc) ? pct(mdc) : null, runsNeeded: runsNeeded(ci, confidence, seeable, options.design ?? 'independent', a.length, b.length, corrected !== null) };
  // Corrected or paired, the change is the estimate the interval is about, not the ratio of medians.
  const fitted = corrected !== null ? Math.expm1(corrected.estimate) * 100 : ci.method === 'paired' ? pct(ci.estimate) : undefined;
  const correction = corrected !== null ? 'machine-speed' as const : ci.method === 'paired' ? 'paired' as const : 'none' as const;
  const interval = { ciLowPct: pct(ci.low), ciHighPct: pct(ci.high), ...(fitted === undefined ? {} : { changePct: fitted }), correction, ...sight };
  const tolText = spec.scale === 'absolute' ? `the floor of ${spec.floor} ${spec.unit}` : `the ${tolerance * 100} % tolerance`;
  if (low > threshold && floorExceeded) {
    return { ...interval, verdict: 'regression', decided: true, note: `worse beyond ${tolText} with the whole ${ci.confidence * 100} % interval${how}` };
  }
  const decided = high < seeable;
  if (estimate > threshold && floorExceeded) {
    return { ...interval, verdict: 'suspect', decided, note: `worse than ${tolText}, but the interval reaches below it: within the noise between runs${how}` };
  }
  if (spec.gated && Number.isFinite(seeable) && !(mdc <= seeable)) {
    const more = sight.runsNeeded === null ? 'more than 100 runs per side would be needed' : `${sight.runsNeeded} ${options.design === 'paired' ? 'pairs' : 'runs per side'} would bring it under`;
    const seen = sight.mdcPct === null ? `${mdc.toPrecision(3)} ${spec.unit}` : `${sight.mdcPct.toFixed(1)} %`;
    return { ...interval, verdict: 'blind', decided: false, note: `could not have seen a change of ${tolText}: the smallest change it detects with 80 % power is ${seen} (${more})${how}` };
  }
  const why = estimate > threshold ? `the change is below the absolute floor of ${spec.floor} ${spec.unit}` : `the change is within ${tolText}`;
  return { ...interval, verdict: 'ok', decided, note: `${why}${how}` };
}

/**
 * The fewest runs per side (pairs, when paired) whose detectable change is at most the threshold,
 * assuming the per-run noise stays what it was: the standard error scales with √(1/n + 1/n) (√(1/n)
 * paired) from the one observed. Null when even 100 would not do.
 */
function runsNeeded(ci: ChangeInterval, confidence: number, threshold: number, design: 'independent' | 'paired', na: number, nb: number, corrected: boolean): number | null {
  if (!(ci.se > 0) || !Number.isFinite(threshold)) return ci.se === 0 ? Math.max(2, Math.min(na, nb)) : null;
  const at = (n: number): number => design === 'paired'
    ? detectableChange(ci.se * Math.sqrt(na / n), n - 1, confidence)
    : detectableChange(ci.se * Math.sqrt((2 / n) / (1 / na + 1 / nb)), 2 * n - (corrected ? 3 : 2), confidence);
  const MAX = 100;
  if (!(at(MAX) <= threshold)) return null;
  let lo = 2;
  let hi = MAX;
  if (at(lo) <= threshold) return lo;
  // at(n) falls as n grows: the smallest n at or under the threshold, by bisection.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (at(mid) <= threshold) hi = mid;
    else lo = mid;
  }
  return hi;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One run reduced to metric values (baseline-metrics.ts), as stored in a baseline. */
export interface MetricRun {
  metrics: Readonly<Record<string, number | null>>;
  samples: Readonly<Record<string, number>>;
}

export interface CompareRunsOptions extends Omit<CompareOptions, 'spec' | 'tolerancePct'> {
  tolerancePct?: number;
  /** Per metric key or base (key wins): tolerance in percent, e.g. from the scenario. */
  metricTolerancePct?: Readonly<Record<string, number>>;
  /** Per metric key or base: whether a regression fails the gate. */
  gated?: Readonly<Record<string, boolean>>;
  /** Correct latency for the machine's speed when every run has a calibration (default true). */
  machineCorrection?: boolean;
  /** Per metric key or base: absolute floors (a baseline's recorded ones), instead of the catalogue's. */
  floors?: Readonly<Record<string, number>>;
}

/** The metric that measures the machine rather than the build. */
const MACHINE_COVARIATE = 'calibrationUs';

/** Every metric present in the current or the baseline runs, compared; catalogue order, then key. */
export function compareRuns(baseline: readonly MetricRun[], current: readonly MetricRun[], options: CompareRunsOptions = {}): RegressionComparison[] {
  const keys = new Set<string>();
  for (const r of [...current, ...baseline]) for (const k of Object.keys(r.metrics)) keys.add(k);
  // The calibration measures the machine, not the build: it corrects latency, it is not judged.
  keys.delete(MACHINE_COVARIATE);
  const valuesOf = (runs: readonly MetricRun[], k: string): RunValue[] => {
    const spec = metricSpecFor(k);
    const corrected = options.machineCorrection !== false && spec !== null && MACHINE_SENSITIVE_BASES.has(spec.base);
    return runs.map((r) => {
      const samples = r.samples[k];
      const covariate = corrected ? (r.metrics[MACHINE_COVARIATE] ?? null) : undefined;
      return { value: r.metrics[k] ?? null, ...(samples === undefined ? {} : { samples }), ...(covariate === undefined ? {} : { covariate }) };
    });
  };
  return [...keys].sort(byCatalogueOrder).map((k) => {
    const base = metricSpecFor(k)?.base ?? k;
    const tolerancePct = options.metricTolerancePct?.[k] ?? options.metricTolerancePct?.[base] ?? options.tolerancePct;
    const gated = options.gated?.[k] ?? options.gated?.[base];
    const floor = options.floors?.[k] ?? options.floors?.[base];
    return compareMetric(k, valuesOf(baseline, k), valuesOf(current, k), {
      ...options,
      ...(tolerancePct === undefined ? {} : { tolerancePct }),
      spec: { ...(gated === undefined ? {} : { gated }), ...(floor === undefined ? {} : { floor }) },
    });
  });
}

function byCatalogueOrder(x: string, y: string): number {
  const order = (k: string): number => {
    const spec = metricSpecFor(k);
    return spec === null ? 99 : ORDER.indexOf(spec.base);
  };
  const scoped = (k: string): number => (k.includes('{') ? 1 : 0);
  return scoped(x) - scoped(y) || order(x) - order(y) || x.localeCompare(y);
}

const ORDER = ['p50Ms', 'p95Ms', 'p99Ms', 'rps', 'errorRate', 'mttrSec', 'ttdSec', 'targetCpuMsPerRequest', 'targetPeakRssBytes', 'targetPeakCpuPercent'];
