import type { RegressionResult, RunResult } from '../contract/run-result.ts';
import { metricLabel, metricSpecFor } from '../analysis/gate-metrics.ts';
import { regressionWarningTexts } from '../analysis/verdict.ts';

/**
 * What a compared metric means for the run, the one distinction every report makes the same way
 * (docs/regression-gate.md, section Reading the gate): only `regression` and `blind-fails` fail it.
 * - regression: a gated metric regressed;
 * - blind-fails: a gated metric was blind and the scenario's `baseline.blind: "fail"` makes that fail;
 * - worse-not-gated: a reported-only metric regressed (a warning, never a failure);
 * - suspect, blind, ok, no-data: as the comparison's verdict says, none of them fails the run.
 */
export type GateOutcome = 'regression' | 'blind-fails' | 'worse-not-gated' | 'suspect' | 'blind' | 'ok' | 'no-data';

export type ChangeCorrection = NonNullable<RegressionResult['correction']>;

/** One compared metric, as every renderer shows it. */
export interface GateRow {
  metric: string;
  /** The readable name (gate-metrics.ts metricLabel). */
  label: string;
  unit: string;
  gated: boolean;
  /** Per request name (`{request:…}`) rather than for the whole run. */
  perRequest: boolean;
  baseline: number | null;
  current: number | null;
  /** Ratio of the medians; null when not known (results written before it was kept, or no baseline value). */
  rawChangePct: number | null;
  /** The change the verdict judged. */
  changePct: number | null;
  /** What `changePct` is; null in results written before it was recorded (then only `changePct` is known). */
  correction: ChangeCorrection | null;
  ciLowPct: number | null;
  ciHighPct: number | null;
  mdcPct: number | null;
  runsNeeded: number | null | undefined;
  note: string | null;
  verdict: RegressionResult['verdict'];
  outcome: GateOutcome;
  failsRun: boolean;
}

export interface GateTable {
  /** Gated metrics first, then reported-only ones; each group in the comparison's (catalogue) order. */
  rows: GateRow[];
  counts: Record<GateOutcome, number>;
  /** Whether the raw and corrected change can be told apart (false for results written before they were kept). */
  splitChange: boolean;
  /** What the corrected column holds: one kind, `mixed`, or null when no row was corrected. */
  corrected: Exclude<ChangeCorrection, 'none'> | 'mixed' | null;
  /** The run's warnings that repeat a row of the table, word for word: renderers fold them into it. */
  repeatedWarnings: ReadonlySet<string>;
}

type GateInput = Pick<RunResult, 'regressions'> & Partial<Pick<RunResult, 'reasons' | 'warnings'>>;

/** The regression gate of a run (or of `stresslab compare`) as rows every renderer shares. Pure. */
export function gateTable(input: GateInput): GateTable {
  const reasons = input.reasons ?? [];
  const all = input.regressions.map((r) => gateRow(r, reasons));
  const rows = [...all.filter((r) => r.gated), ...all.filter((r) => !r.gated)];
  const counts: Record<GateOutcome, number> = { regression: 0, 'blind-fails': 0, 'worse-not-gated': 0, suspect: 0, blind: 0, ok: 0, 'no-data': 0 };
  for (const r of rows) counts[r.outcome] += 1;
  const kinds = new Set(rows.flatMap((r) => (r.correction === null || r.correction === 'none' || r.changePct === null ? [] : [r.correction])));
  const repeated = new Set(regressionWarningTexts(input.regressions));
  return {
    rows,
    counts,
    splitChange: rows.some((r) => r.correction !== null),
    corrected: kinds.size === 0 ? null : kinds.size === 1 ? ([...kinds][0] as Exclude<ChangeCorrection, 'none'>) : 'mixed',
    repeatedWarnings: new Set((input.warnings ?? []).filter((w) => repeated.has(w))),
  };
}

function gateRow(r: RegressionResult, reasons: readonly string[]): GateRow {
  const spec = metricSpecFor(r.metric);
  const gated = r.gated ?? spec?.gated ?? false;
  const outcome = outcomeOf(r.verdict, gated, reasons.some((x) => x.startsWith(`${r.metric} is blind`)));
  return {
    metric: r.metric,
    label: metricLabel(r.metric),
    unit: spec?.unit ?? '',
    gated,
    perRequest: r.metric.includes('{'),
    baseline: r.baseline,
    current: r.current,
    rawChangePct: r.rawChangePct ?? null,
    changePct: r.changePct,
    correction: r.correction ?? null,
    ciLowPct: r.ciLowPct,
    ciHighPct: r.ciHighPct,
    mdcPct: r.mdcPct ?? null,
    runsNeeded: r.runsNeeded,
    note: r.note ?? null,
    verdict: r.verdict,
    outcome,
    failsRun: outcome === 'regression' || outcome === 'blind-fails',
  };
}

function outcomeOf(verdict: RegressionResult['verdict'], gated: boolean, blindFailed: boolean): GateOutcome {
  switch (verdict) {
    case 'regression':
      return gated ? 'regression' : 'worse-not-gated';
    case 'blind':
      return gated && blindFailed ? 'blind-fails' : 'blind';
    case 'suspect':
    case 'ok':
    case 'no-data':
      return verdict;
  }
}

/**
 * Rows worth a line of their own: every whole-run metric, and a per-request one only when it is not
 * ok (the rest are folded into the details). Order kept.
 */
export function headlineRows(table: GateTable): GateRow[] {
  return table.rows.filter((r) => !r.perRequest || r.outcome !== 'ok');
}

/** `1 gated regression fails the run · 2 reported-only metrics worse (not gated) · …`, or null when every metric is ok. */
export function gateSummary(table: GateTable): string | null {
  const c = table.counts;
  const n = (k: number, one: string, many: string): string => `${k} ${k === 1 ? one : many}`;
  const parts = [
    c.regression > 0 ? `${n(c.regression, 'gated regression fails', 'gated regressions fail')} the run` : null,
    c['blind-fails'] > 0 ? `${n(c['blind-fails'], 'blind gated metric fails', 'blind gated metrics fail')} the run` : null,
    c['worse-not-gated'] > 0 ? `${n(c['worse-not-gated'], 'reported-only metric', 'reported-only metrics')} worse (not gated, does not fail)` : null,
    c.suspect > 0 ? `${n(c.suspect, 'metric', 'metrics')} suspect (within the noise)` : null,
    c.blind > 0 ? `${n(c.blind, 'gated metric', 'gated metrics')} blind` : null,
    c['no-data'] > 0 ? `${n(c['no-data'], 'metric', 'metrics')} without data` : null,
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? null : parts.join(' · ');
}
