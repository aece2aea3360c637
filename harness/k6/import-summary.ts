import type { Fingerprint, RunResult, ThresholdResult } from '../contract/run-result.ts';
import { RESULT_SCHEMA_VERSION } from '../contract/run-result.ts';
import { aggregate } from '../analysis/threshold-evaluate.ts';
import { compare, parseMetricKey, parseThresholdExpression } from '../core/threshold-expression.ts';
import { decideVerdict } from '../analysis/verdict.ts';
import type { Stats } from '../contract/stats.ts';
import type { Plan } from '../contract/plan-types.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { k6MetricSource } from './k6-metric-source.ts';
import { statsFromExact, statsFromSummary } from './k6-stats.ts';
import { k6Thresholds, SURFACING } from './k6-thresholds.ts';
import { mergeSummaries } from './merge-summaries.ts';
import { importedChecks } from './imported-checks.ts';
import { expectedScenario, matchScenario, scenarioMatchWarnings, scenarioMismatchError } from './k6-scenario-match.ts';
import type { ExactPoints } from './out-json-points.ts';
import type { K6Summary } from './summary-formats.ts';

export interface ImportInput {
  /** One summary per k6 instance (pod); merged when several. */
  summaries: readonly K6Summary[];
  /** Points from `--out json` of ALL instances, or null: then percentiles of merged pods are approximate. */
  exact: ExactPoints | null;
  /** The scenario the script was exported from, with its plan: names phases and requests, restores their thresholds. */
  scenario: (Pick<LoadedScenario, 'scenario' | 'file' | 'hash' | 'profile'> & { plan: Plan }) | null;
  runId: string;
  /**
   * When the import happened. Used only when the input has no clock time (a `--summary-export`
   * file, another script's handleSummary data): the result then says `startedAtKnown: false`.
   */
  nowEpochMs: number;
  environment: { name: string; fingerprint: Fingerprint; fingerprintHash: string };
  targetUrl: string | null;
}

/** k6 summaries (+ optional exact points) → the result contract, with `source: "k6"`. Pure. */
export function importK6Summaries(input: ImportInput): RunResult {
  const merged = mergeSummaries(input.summaries);
  const summary = merged.summary;
  const exact = input.exact !== null && input.exact.points > 0 ? input.exact : null;
  const spanMs = exact?.firstMs != null && exact.lastMs != null ? exact.lastMs - exact.firstMs : null;
  const durationMs = summary.durationMs ?? spanMs;
  const warnings = new Set<string>(merged.warnings);
  const missing = (w: string): void => void warnings.add(w);
  const statsFor = (suffix: string, group: ExactPoints['total'] | undefined, ms: number | null): Stats =>
    exact !== null && group !== undefined ? statsFromExact(group, ms) : statsFromSummary(summary, suffix, ms, missing);
  if (exact === null && merged.approximatePercentiles.length > 0) {
    warnings.add(`percentiles are approximate: ${input.summaries.length} k6 summaries were merged and a summary holds no samples (each p(N) is the largest of the instances'); pass --out-json files for exact ones`);
  }
  if (durationMs === null) warnings.add('the k6 summary does not give the test duration; rps is k6\'s own http_reqs rate');
  if (input.scenario !== null) {
    const name = input.scenario.scenario.name;
    const match = matchScenario(expectedScenario(input.scenario), input.summaries, exact);
    if (match.verdict === 'none') throw scenarioMismatchError(name, match, []);
    for (const w of scenarioMatchWarnings(name, match)) warnings.add(w);
  }
  const requests = requestNames(input, summary, exact);
  const phases = phaseWindows(input, summary, exact, durationMs);
  const startEpochMs = startOf(input, exact, durationMs);
  if (startEpochMs === null) {
    warnings.add('the k6 input has no clock time, so when the test ran is unknown (startedAtKnown: false): startedAt/endedAt are the import\'s time; '
      + 'pass the --out json files, a --new-machine-readable-summary file, or the summary of a script from `stresslab k6 export`');
  }
  const thresholds = thresholdResults(input, summary, exact, durationMs, warnings);
  const checks = importedChecks(summary, thresholds);
  if (checks !== null && checks.fails > 0) warnings.add(checksWarning(checks));
  const abortReason = abortReasonOf(input, thresholds);
  const decided = decideVerdict({ abortReason, steadyState: null, thresholds, regressions: [], integrity: null, faults: [] });
  const s = input.scenario;
  // Computed before `warnings` is read: missing percentiles add to it.
  const totals = statsFor('', exact?.total, durationMs);
  const requestStats = Object.fromEntries(requests.map((r) => [r, statsFor(`{request:${r}}`, exact?.requests[r], durationMs)]));
  const phaseResults = phases.map((p) => ({ ...p, stats: statsFor(`{phase:${p.name}}`, exact?.phases[p.name], p.endMs - p.startMs) }));
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    source: 'k6',
    runId: input.runId,
    scenario: s ? { name: s.scenario.name, file: s.file, hash: s.hash, profile: s.profile } : { name: 'k6', file: '', hash: '', profile: null },
    target: { url: input.targetUrl ?? (s && s.scenario.target.url !== 'embedded' ? s.scenario.target.url : 'unknown'), embedded: false },
    environment: input.environment,
    startedAt: new Date(startEpochMs ?? input.nowEpochMs - (durationMs ?? 0)).toISOString(),
    endedAt: new Date((startEpochMs ?? input.nowEpochMs - (durationMs ?? 0)) + (durationMs ?? 0)).toISOString(),
    ...(startEpochMs === null ? { startedAtKnown: false as const } : {}),
    verdict: decided.verdict,
    reasons: decided.reasons,
    warnings: [...warnings, ...decided.warnings],
    totals,
    requests: requestStats,
    phases: phaseResults,
    faults: [],
    recovery: { mttrSec: null, medianTtrSec: null, maxTtrSec: null, notRecovered: 0, probe: { mttrSec: null } },
    resources: { host: null, target: null, harness: null },
    integrity: null,
    thresholds,
    regressions: [],
    ...(checks === null ? {} : { checks }),
  };
}

/**
 * The test's start, epoch ms: the first `--out json` point, else a summary's end (when it says)
 * less its duration, the earliest over pods; null when the input has no clock time.
 */
function startOf(input: ImportInput, exact: ExactPoints | null, durationMs: number | null): number | null {
  if (exact?.firstMs != null) return exact.firstMs;
  const starts = input.summaries.flatMap((s) => {
    const duration = s.durationMs ?? durationMs;
    return s.endedAtMs === null || duration === null ? [] : [s.endedAtMs - duration];
  });
  return starts.length > 0 ? Math.min(...starts) : null;
}

function checksWarning(c: NonNullable<RunResult['checks']>): string {
  const total = c.passes + c.fails;
  const worst = c.byName.filter((x) => x.fails > 0).sort((a, b) => b.fails - a.fails).slice(0, 3);
  const named = worst.map((x) => `"${x.name}" ${x.fails} of ${x.passes + x.fails}`).join(', ');
  return `k6 checks failed: ${c.fails} of ${total} (${((100 * c.fails) / total).toFixed(2)} %)${named === '' ? '' : `: ${named}`}`;
}

function tagValues(keys: Iterable<string>, tag: string): string[] {
  const re = new RegExp(`^http_reqs\\{${tag}:([^,}]+)\\}$`);
  return [...keys].flatMap((k) => re.exec(k)?.[1] ?? []);
}

function requestNames(input: ImportInput, summary: K6Summary, exact: ExactPoints | null): string[] {
  const fromScenario = input.scenario?.scenario.requests.map((r) => r.name) ?? [];
  return [...new Set([...fromScenario, ...tagValues(Object.keys(summary.metrics), 'request'), ...Object.keys(exact?.requests ?? {})])];
}

function phaseWindows(input: ImportInput, summary: K6Summary, exact: ExactPoints | null, durationMs: number | null): { name: string; startMs: number; endMs: number }[] {
  const s = input.scenario;
  if (s !== null) {
    return s.plan.phases.map((p) => ({ name: p.name, startMs: p.startMs, endMs: p.startMs + p.durationMs }));
  }
  const names = [...new Set([...tagValues(Object.keys(summary.metrics), 'phase'), ...Object.keys(exact?.phases ?? {})])];
  return names.map((name) => ({ name, startMs: 0, endMs: durationMs ?? 0 }));
}

/**
 * k6's own verdicts where it had all the data (one instance); recomputed from merged counts and
 * rates (exact) or from `--out json` points; a merged percentile keeps the instances' verdicts
 * (failed on any = failed). Surfacing thresholds the export added are dropped. Scenario
 * thresholds the summary lacks are evaluated from the metrics.
 */
function thresholdResults(input: ImportInput, summary: K6Summary, exact: ExactPoints | null, durationMs: number | null, warnings: Set<string>): ThresholdResult[] {
  const source = k6MetricSource(summary, exact, durationMs);
  const several = input.summaries.length > 1;
  const surfacing = new Set(Object.values(SURFACING));
  const wanted = input.scenario ? k6Thresholds(input.scenario.scenario) : null;
  // The scenario's own thresholds and abort conditions, without the surfacing ones the export added.
  const own = (key: string): boolean => (input.scenario?.scenario.thresholds ?? []).some((t) => t.key.source === key) || (wanted?.aborts ?? []).some((a) => a.metric === key);
  const declared = new Set(
    Object.entries(wanted?.thresholds ?? {})
      .filter(([k]) => own(k))
      .flatMap(([k, items]) => items.map((i) => `${k}\0${typeof i === 'string' ? i : i.threshold}`)),
  );
  const seen = new Map<string, { metric: string; expression: string; verdict: boolean | null }>();
  for (const t of summary.thresholds ?? []) {
    if (surfacing.has(t.expression) && !declared.has(`${t.metric}\0${t.expression}`)) continue;
    seen.set(`${t.metric}\0${t.expression}`, { ...t, verdict: t.pass });
  }
  for (const d of declared) {
    if (surfacing.has(d.split('\0')[1] ?? '') || seen.has(d)) continue;
    const [metric = '', expression = ''] = d.split('\0');
    seen.set(d, { metric, expression, verdict: null });
  }
  for (const l of wanted?.leftOut ?? []) warnings.add(`not measured by k6, not evaluated: ${l.metric} ${l.expression}`);
  if (summary.thresholds === null) warnings.add('this summary format carries no threshold verdicts; thresholds were evaluated from its metrics');
  return [...seen.values()].map(({ metric, expression, verdict }) => {
    const key = parseMetricKey(metric);
    const expr = parseThresholdExpression(expression);
    const actual = key.ok && expr.ok ? aggregate(source, key.value, expr.value) : null;
    const kind = expr.ok ? expr.value.aggregation.kind : null;
    const recompute = exact !== null || verdict === null || (several && (kind === 'count' || kind === 'rate'));
    const pass = recompute && actual !== null && expr.ok ? compare(actual, expr.value.op, expr.value.value) : (verdict ?? false);
    return { metric, expression, actual, pass };
  });
}

/** A failed abortOnFail threshold made from an abort condition means k6 stopped the run early. */
function abortReasonOf(input: ImportInput, thresholds: readonly ThresholdResult[]): string | null {
  const aborts = input.scenario ? k6Thresholds(input.scenario.scenario).aborts : [];
  const hit = aborts.find((a) => thresholds.some((t) => !t.pass && t.metric === a.metric && t.expression === a.threshold));
  return hit ? `abort condition ${hit.metric} "${hit.condition}" (k6 threshold ${hit.threshold} with abortOnFail failed)` : null;
}
