import { gateMetrics } from '../analysis/gate-metrics.ts';
import { E_DIVISIVE_DEFAULTS, eDivisive, type ChangePoint } from '../analysis/stats/e-divisive.ts';
import type { HistoryLine } from './history-line.ts';

/**
 * The history line's metrics a check looks at; CPU per request, MTTR and TTD (mean time to detect)
 * only where runs have them. MTTR and TTD are judged like the gate judges them: lower is better, a
 * ratio against the tolerance, and never a change under their 2 s floor (analysis/gate-metrics.ts).
 */
export const HISTORY_CHECK_METRICS = ['p50Ms', 'p95Ms', 'p99Ms', 'rps', 'errorRate', 'targetCpuMsPerRequest', 'mttrSec', 'ttdSec'] as const;
export type HistoryCheckMetric = (typeof HISTORY_CHECK_METRICS)[number];

export interface HistoryChangePointOptions {
  /** A newest shift worse than this, in percent, is a regression (default 5, the gate's). */
  tolerancePct?: number;
  /** Largest p-value of a change point (default 0.001). */
  maxPValue?: number;
  /** Only these metrics (default: all of HISTORY_CHECK_METRICS). */
  metrics?: readonly HistoryCheckMetric[];
  /**
   * The smallest shift, in percent, that counts as a change point (default: half the tolerance). Not
   * the tolerance itself: the measured size of a true 5 % step scatters around 5 %, so a 5 % minimum
   * would miss half of the steps the check exists to find (docs/change-points.md).
   */
  minShiftPct?: number;
  /** Runs per sliding window (default 50). */
  windowLength?: number;
  /** Fewest runs on each side of a change point (default 6, Chromium's rule). */
  minSegment?: number;
}

/** One change point of one metric, named by the first run of the shift. */
export interface HistoryShift {
  metric: HistoryCheckMetric;
  runId: string;
  startedAt: string;
  gitSha: string | null;
  /** Mean of the runs before (since the previous change point): geometric for ratio metrics, arithmetic for the error rate. */
  before: number;
  /** Mean of the runs from this one up to the next change point. */
  after: number;
  /** after / before − 1, in percent; null when before is 0. */
  changePct: number | null;
  pValue: number;
  direction: 'worse' | 'better';
  /**
   * The run's environment fingerprint differs from the run before it: another machine, Node, harness
   * or target version. Shown as a hint; the verdict does not use it (the target's version changes
   * with the very builds whose regressions are sought).
   */
  environmentChanged: boolean;
}

export type HistoryVerdict = 'regression' | 'ok' | 'too-few-runs';

export interface HistoryMetricResult {
  metric: HistoryCheckMetric;
  /** Runs with a value of the metric. */
  runs: number;
  changePoints: HistoryShift[];
  /** `regression`: the newest change point is worse than the tolerance (and the metric's floor). */
  verdict: HistoryVerdict;
  /** The newest change point when it is a regression. */
  regression: HistoryShift | null;
}

export interface HistoryGroupResult {
  /** As the trend page names the group: `scenario` or `scenario (profile p)`. */
  key: string;
  scenario: string;
  profile: string | null;
  /** Runs compared: the usable runs since the scenario last changed. */
  runs: number;
  /** Runs left out because they aborted, failed in the harness, or their target died. */
  excluded: number;
  /** Usable runs of an earlier version of the scenario (another hash): another workload, not compared. */
  earlierScenario: number;
  metrics: HistoryMetricResult[];
  verdict: HistoryVerdict;
}

export interface HistoryChangePoints {
  tolerancePct: number;
  maxPValue: number;
  minShiftPct: number;
  /** Fewest runs a series needs before a change point is possible (minSegment on each side). */
  minRuns: number;
  groups: HistoryGroupResult[];
  /** Every group's newest-segment regression. */
  regressions: { group: string; shift: HistoryShift }[];
  verdict: HistoryVerdict;
}

/** The trend page's and the check's name of a group: scenario and profile (mixing them makes no trend). */
export function historyGroupKey(line: Pick<HistoryLine, 'scenario' | 'profile'>): string {
  return line.profile === null ? line.scenario : `${line.scenario} (profile ${line.profile})`;
}

/**
 * The change points of each group's nightly series, per metric, and whether the newest segment is
 * worse than the one before it by more than the tolerance.
 *
 * A group is a scenario and profile, as on the trend page. Within it only the runs since the
 * scenario's hash last changed are compared (a changed scenario measures another workload, as a
 * baseline drops its runs then). Runs that aborted, failed in the harness or lost their target are
 * left out: their numbers are those of a broken run, not of the build. The environment fingerprint
 * does not split a group: it holds the target's version, which changes with the builds under test,
 * and hosted CI runners change CPU model from night to night.
 */
export function historyChangePoints(lines: readonly HistoryLine[], options: HistoryChangePointOptions = {}): HistoryChangePoints {
  const tolerancePct = options.tolerancePct ?? 5;
  const maxPValue = options.maxPValue ?? E_DIVISIVE_DEFAULTS.maxPValue;
  const minShiftPct = options.minShiftPct ?? tolerancePct / 2;
  const minSegment = options.minSegment ?? E_DIVISIVE_DEFAULTS.minSegment;
  const windowLength = options.windowLength ?? E_DIVISIVE_DEFAULTS.windowLength;
  const metrics = options.metrics ?? HISTORY_CHECK_METRICS;
  const settings: Settings = { tolerancePct, maxPValue, minShiftPct, minSegment, windowLength };

  const sorted = lines
    .map((line, order) => ({ line, order, at: Date.parse(line.startedAt) }))
    .sort((a, b) => a.at - b.at || a.order - b.order)
    .map((x) => x.line);
  const byGroup = new Map<string, HistoryLine[]>();
  for (const line of sorted) {
    const key = historyGroupKey(line);
    const group = byGroup.get(key);
    if (group) group.push(line);
    else byGroup.set(key, [line]);
  }

  const groups = [...byGroup.entries()].map(([key, all]): HistoryGroupResult => {
    const usable = all.filter((l) => l.targetExited !== true && l.verdict !== 'aborted' && l.verdict !== 'error');
    const runs = sinceScenarioChanged(usable);
    const first = all[0] as HistoryLine;
    const results = metrics.flatMap((metric) => {
      const series = runs.filter((r) => finite(valueOf(r, metric)));
      return series.length === 0 ? [] : [metricResult(metric, series, settings)];
    });
    return {
      key, scenario: first.scenario, profile: first.profile, runs: runs.length, excluded: all.length - usable.length,
      earlierScenario: usable.length - runs.length, metrics: results, verdict: combine(results.map((m) => m.verdict)),
    };
  });
  const regressions = groups.flatMap((g) => g.metrics.flatMap((m) => (m.regression ? [{ group: g.key, shift: m.regression }] : [])));
  return { tolerancePct, maxPValue, minShiftPct, minRuns: 2 * minSegment, groups, regressions, verdict: combine(groups.map((g) => g.verdict)) };
}

interface Settings {
  tolerancePct: number;
  maxPValue: number;
  minShiftPct: number;
  minSegment: number;
  windowLength: number;
}

function valueOf(line: HistoryLine, metric: HistoryCheckMetric): number | null | undefined {
  return line[metric];
}

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** The newest runs that share the newest run's scenario hash, oldest first. */
function sinceScenarioChanged(runs: readonly HistoryLine[]): HistoryLine[] {
  const newest = runs.at(-1);
  if (newest === undefined) return [];
  let from = runs.length;
  while (from > 0 && (runs[from - 1] as HistoryLine).scenarioHash === newest.scenarioHash) from--;
  return runs.slice(from);
}

function metricResult(metric: HistoryCheckMetric, series: readonly HistoryLine[], s: Settings): HistoryMetricResult {
  if (series.length < 2 * s.minSegment) return { metric, runs: series.length, changePoints: [], verdict: 'too-few-runs', regression: null };
  const spec = gateMetrics[metric];
  const values = series.map((r) => valueOf(r, metric) as number);
  // The error rate is judged as a difference against its 0.1-point floor: near 0 % a ratio means
  // nothing. Ratio metrics on the log scale, unless a value is 0 (an MTTR of a fault without impact),
  // where the gate, too, falls back to differences.
  const absolute = spec.scale === 'absolute';
  const found = eDivisive(values, {
    windowLength: s.windowLength,
    maxPValue: s.maxPValue,
    minSegment: s.minSegment,
    minMagnitude: absolute ? 0 : s.minShiftPct / 100,
    minAbsoluteChange: absolute ? spec.floor : 0,
    scale: !absolute && values.every((v) => v > 0) ? 'log' : 'linear',
  });
  const changePoints = found.map((cp) => shift(metric, cp, series));
  const newest = found.at(-1);
  const regression = newest !== undefined && isRegression(metric, newest, s.tolerancePct) ? (changePoints.at(-1) as HistoryShift) : null;
  return { metric, runs: series.length, changePoints, verdict: regression ? 'regression' : 'ok', regression };
}

function shift(metric: HistoryCheckMetric, cp: ChangePoint, series: readonly HistoryLine[]): HistoryShift {
  const run = series[cp.index] as HistoryLine;
  const previous = series[cp.index - 1] as HistoryLine;
  return {
    metric,
    runId: run.runId,
    startedAt: run.startedAt,
    gitSha: run.gitSha,
    before: cp.meanBefore,
    after: cp.meanAfter,
    changePct: cp.relativeChange === null ? null : cp.relativeChange * 100,
    pValue: cp.pValue,
    direction: worseBy(metric, cp.meanBefore, cp.meanAfter) > 0 ? 'worse' : 'better',
    environmentChanged: run.fingerprintHash !== previous.fingerprintHash,
  };
}

/** The change oriented so that positive is worse, in the metric's unit. */
function worseBy(metric: HistoryCheckMetric, before: number, after: number): number {
  return gateMetrics[metric].better === 'lower' ? after - before : before - after;
}

/**
 * Worse than the tolerance as the gate judges it: a ratio beyond 1 + tolerance (for throughput, the
 * inverse ratio), a difference beyond the floor for the error rate, and always beyond the metric's
 * floor, so a change below the measurement's resolution never counts.
 */
function isRegression(metric: HistoryCheckMetric, cp: ChangePoint, tolerancePct: number): boolean {
  const spec = gateMetrics[metric];
  const worse = worseBy(metric, cp.meanBefore, cp.meanAfter);
  if (!(worse > spec.floor)) return false;
  if (spec.scale === 'absolute') return true;
  const tolerance = tolerancePct / 100;
  if (cp.meanBefore > 0 && cp.meanAfter > 0) {
    const ratio = spec.better === 'lower' ? cp.meanAfter / cp.meanBefore : cp.meanBefore / cp.meanAfter;
    return Math.log(ratio) > Math.log1p(tolerance);
  }
  return worse > tolerance * Math.abs(cp.meanBefore);
}

function combine(verdicts: readonly HistoryVerdict[]): HistoryVerdict {
  if (verdicts.includes('regression')) return 'regression';
  return verdicts.includes('ok') ? 'ok' : 'too-few-runs';
}
