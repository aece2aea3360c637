import type { RegressionResult } from '../contract/run-result.ts';
import { MACHINE_SENSITIVE_BASES, metricSpecFor } from './gate-metrics.ts';
import type { MetricSpec } from './gate-metrics.ts';
import { mean, median } from './stats/order-stats.ts';
import { changeInterval } from './stats/change-interval.ts';
import type { ChangeInterval, IntervalMethod } from './stats/change-interval.ts';
import { covariateInterval } from './stats/covariate-interval.ts';
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
 * the change at equal machine speed, and `changePct` is that fitted change. Where that model cannot
 * be fitted, the plain interval stands.
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
}

export interface RegressionComparison extends RegressionResult {
  gated: boolean;
  /** Why the verdict is what it is (a sentence for reports). */
  note: string;
  warnings: string[];
}

const DEFAULT_SPEC: Omit<MetricSpec, 'base'> = { better: 'lower', scale: 'relative', floor: 0, minSamples: 0, gated: false, unit: '', description: 'metric' };

export function compareMetric(metric: string, baselineRuns: readonly RunValue[], currentRuns: readonly RunValue[], options: CompareOptions = {}): RegressionComparison {
  const catalogued = metricSpecFor(metric);
  const spec = { ...DEFAULT_SPEC, ...(catalogued ?? {}), ...definedOnly(options.spec ?? {}) };
  const usable = (r: RunValue): r is RunValue & { value: number } =>
    r.value !== null && Number.isFinite(r.value) && (r.samples === undefined || r.samples >= spec.minSamples);
  const usableA = baselineRuns.filter(usable);
  const usableB = currentRuns.filter(usable);
  const a = usableA.map((r) => r.value);
  const b = usableB.map((r) => r.value);
  const covariates = covariatesOf(usableA, usableB);
  const warnings = options.fingerprintMismatch === true ? ['the environment fingerprint differs from the baseline\'s: the comparison may measure the machine, not the build'] : [];
  if (catalogued === null) warnings.push(`"${metric}" is not in the metric catalogue: compared as lower-is-better without a floor`);
  const baseline = a.length > 0 ? median(a) : null;
  const current = b.length > 0 ? median(b) : null;
  const changePct = baseline !== null && current !== null && baseline !== 0 ? (current / baseline - 1) * 100 : null;
  const head = { metric, baseline, current, changePct, gated: spec.gated, warnings };
  const minBaseline = options.minBaselineRuns ?? 2;
  if (b.length === 0 || a.length < minBaseline) {
    const note = b.length === 0
      ? `no current run has a value with at least ${spec.minSamples} samples`
      : `${a.length} baseline run(s) with at least ${spec.minSamples} samples, ${minBaseline} needed to estimate the noise`;
    return { ...head, ciLowPct: null, ciHighPct: null, verdict: 'no-data', note };
  }
  return { ...head, ...judge(spec, a, b, baseline, current, options, covariates) };
}

/** The covariates of every run, or null unless all have a positive one. */
function covariatesOf(a: readonly RunValue[], b: readonly RunValue[]): { a: number[]; b: number[] } | null {
  const ok = (r: RunValue): boolean => typeof r.covariate === 'number' && r.covariate > 0 && Number.isFinite(r.covariate);
  if (!a.every(ok) || !b.every(ok)) return null;
  return { a: a.map((r) => r.covariate as number), b: b.map((r) => r.covariate as number) };
}

type Judgement = Pick<RegressionComparison, 'ciLowPct' | 'ciHighPct' | 'verdict' | 'note'> & { changePct?: number | null };

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
  const ci: ChangeInterval = corrected === null
    ? plain()
    : { scale: 'log', method: 'welch', estimate: corrected.estimate, low: corrected.low, high: corrected.high, confidence, baselineMean: mean(a) };
  const how = corrected === null ? '' : ` (corrected for machine speed, β = ${corrected.beta.toFixed(2)})`;
  const sign = spec.better === 'lower' ? 1 : -1;
  const low = sign === 1 ? ci.low : -ci.high;
  const estimate = sign * ci.estimate;
  const threshold = ci.scale === 'log' ? Math.log1p(tolerance) : spec.scale === 'absolute' ? spec.floor : tolerance * Math.abs(ci.baselineMean);
  // Corrected, the change in the metric's unit is the fitted one, not the raw difference of medians
  // (which a faster or slower machine moved).
  const change = baseline === null || current === null ? null : corrected === null ? current - baseline : baseline * Math.expm1(corrected.estimate);
  const floorExceeded = change !== null && sign * change > spec.floor;
  const pct = (v: number): number | null => (ci.scale === 'log' ? Math.expm1(v) * 100 : ci.baselineMean !== 0 ? (v / Math.abs(ci.baselineMean)) * 100 : null);
  const interval = { ciLowPct: pct(ci.low), ciHighPct: pct(ci.high), ...(corrected === null ? {} : { changePct: Math.expm1(corrected.estimate) * 100 }) };
  const tolText = spec.scale === 'absolute' ? `the floor of ${spec.floor} ${spec.unit}` : `the ${tolerance * 100} % tolerance`;
  if (low > threshold && floorExceeded) {
    return { ...interval, verdict: 'regression', note: `worse beyond ${tolText} with the whole ${ci.confidence * 100} % interval${how}` };
  }
  if (estimate > threshold && floorExceeded) {
    return { ...interval, verdict: 'suspect', note: `worse than ${tolText}, but the interval reaches below it: within the noise between runs${how}` };
  }
  const why = estimate > threshold ? `the change is below the absolute floor of ${spec.floor} ${spec.unit}` : `the change is within ${tolText}`;
  return { ...interval, verdict: 'ok', note: `${why}${how}` };
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
