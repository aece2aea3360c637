import type { RunResult } from '../contract/run-result.ts';
import { formatSummaryTable, table } from './summary-table.ts';
import { effectLabel } from '../report/effect-label.ts';
import { failureWindowLines } from './failure-window-lines.ts';
import { runIdentityLine, throughputLine } from '../report/outcome-facts.ts';
import { gateTable } from '../report/gate-table.ts';
import { formatGateLines } from './gate-lines.ts';

/** What a person reads after a run: the request table, thresholds, regressions, faults, verdict. */
export function formatRunSummary(result: RunResult): string {
  const parts = [`run ${result.runId} · ${runIdentityLine(result)}`, formatSummaryTable(result)];
  parts.push(throughputLine(result));
  const windows = failureWindowLines(result);
  if (windows !== null) parts.push(windows);
  const cancelled = result.totals.cancelled ?? 0;
  if (cancelled > 0) parts.push(`${cancelled} requests in flight were cancelled by the harness when the run stopped (not counted as requests or errors)`);
  if (result.thresholds.length > 0) {
    parts.push(result.thresholds.map((t) => `${t.pass ? '✓' : '✗'} ${t.metric}: ${t.expression} (actual ${t.actual === null ? 'no data' : round(t.actual)})`).join('\n'));
  }
  const gate = gateTable(result);
  if (gate.rows.length > 0) parts.push(formatGateLines(gate, result.environment.calibration));
  if (result.faults.length > 0) {
    const withEffects = result.faults.some((f) => f.effect !== undefined);
    const rows = result.faults.map((f) => [
      f.name, f.kind, `${(f.injectedAtMs / 1000).toFixed(1)}s`, recoverySec(f.ttdSec), recoverySec(f.ttrSec), f.recovered ? 'yes' : 'NO',
      ...(withEffects ? [effectLabel(f).tone === 'bad' ? effectLabel(f).text.toUpperCase() : effectLabel(f).text] : []),
    ]);
    parts.push(table([['fault', 'kind', 'at', 'TTD', 'TTR', 'recovered', ...(withEffects ? ['effect'] : [])], ...rows]));
    // The sentence behind each effect, so "observed" or "NONE" can be checked without opening a report.
    const evidence = result.faults.flatMap((f) => (f.evidence?.summary[0] === undefined ? [] : [`  ${f.name}: ${f.evidence.summary[0]}`]));
    if (evidence.length > 0) parts.push(`fault effects:\n${evidence.join('\n')}`);
  }
  if (result.integrity) {
    const i = result.integrity;
    if (i.status === 'error') parts.push(`integrity: the audit could not be completed (${i.accepted} accepted): ${i.reason ?? 'unknown error'}`);
    else parts.push(`integrity: ${i.accepted} accepted, ${i.terminal} terminal, ${i.lost} lost, ${i.stuck} stuck, ${i.duplicated} duplicated`);
    const a = i.audit;
    if (a !== undefined) parts.push(`audited through ${a.label}: ${a.ids} ids in ${a.rounds} round(s) over ${(a.waitedMs / 1000).toFixed(1)} s${a.idsPerSec === null ? '' : ` (${a.idsPerSec} ids/s)`}`);
  }
  if (result.mergedFrom !== undefined) parts.push(`merged from ${result.mergedFrom.length} parts: ${result.mergedFrom.join(', ')}`);
  // A warning that repeats a row of the gate table above (a suspect or reported-only metric) is shown there.
  for (const w of result.warnings) if (!gate.repeatedWarnings.has(w)) parts.push(`warning: ${w}`);
  parts.push(`verdict: ${result.verdict.toUpperCase()}${result.reasons.length ? `\n  - ${result.reasons.join('\n  - ')}` : ''}`);
  return parts.join('\n\n');
}

/** TTD and TTR to the hundredth, as in the reports: measured on 100 ms slices (docs/recovery.md, section Resolution). */
function recoverySec(v: number | null): string {
  return v === null ? '—' : `${v.toFixed(2)}s`;
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}
