import type { RunResult } from '../contract/run-result.ts';
import { formatBytes, formatChangePct, formatCpu, formatNumber, formatRatioPct } from './format-value.ts';
import type { GateRow, GateTable } from './gate-table.ts';
import { formatCi, formatDetectable } from './verdict-label.ts';

/**
 * The text of a gate row's cells, shared by the Markdown, HTML, JUnit and CLI renderers so they
 * print the same figures under the same headings. Plain text: each renderer escapes and marks up.
 */

/** A metric value in its unit: `4.563 ms`, `1.21%` (a ratio), `250.0 MiB`, `200 req/s`. */
export function formatGateValue(value: number | null, unit: string): string {
  if (value === null) return formatNumber(null);
  switch (unit) {
    case 'ratio':
      return formatRatioPct(value);
    case 'bytes':
      return formatBytes(value);
    case '%':
      return formatCpu(value);
    case '':
      return formatNumber(value);
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

const CORRECTED_HEADER = { 'machine-speed': 'at equal machine speed', paired: 'paired change', mixed: 'corrected change' } as const;

/**
 * The change columns: `raw change` (the medians) and, when any row was corrected, the corrected
 * change the verdict judged; a single `change` column for results written before the two were kept.
 */
export function changeHeaders(table: GateTable): string[] {
  if (!table.splitChange) return ['change'];
  return table.corrected === null ? ['raw change'] : ['raw change', CORRECTED_HEADER[table.corrected]];
}

export function changeCells(row: GateRow, table: GateTable): string[] {
  if (!table.splitChange) return [formatChangePct(row.changePct)];
  const raw = formatChangePct(row.rawChangePct);
  if (table.corrected === null) return [raw];
  const corrected = row.correction === null || row.correction === 'none' ? '–' : formatChangePct(row.changePct);
  const kind = table.corrected === 'mixed' && corrected !== '–' ? (row.correction === 'paired' ? ' (paired)' : ' (speed)') : '';
  return [raw, `${corrected}${kind}`];
}

/** The cells every table shares, in order: metric, gate, baseline, current, change column(s). */
export function gateRowCells(row: GateRow, table: GateTable): string[] {
  return [row.label, row.gated ? 'gated' : 'reported', formatGateValue(row.baseline, row.unit), formatGateValue(row.current, row.unit), ...changeCells(row, table)];
}

export function gateRowHeaders(table: GateTable): string[] {
  return ['metric', 'gate', 'baseline', 'current', ...changeHeaders(table)];
}

/** The details of one row: its interval, what it could have seen, and why its verdict is what it is. */
export function gateDetailCells(row: GateRow): string[] {
  return [row.label, formatCi(row.ciLowPct, row.ciHighPct, formatChangePct), formatDetectable({ mdcPct: row.mdcPct, runsNeeded: row.runsNeeded, verdict: row.verdict }), row.note ?? '–'];
}

export const GATE_DETAIL_HEADERS = ['metric', '90% CI of the judged change', 'detectable', 'note'];

/** What the table's columns mean: which metrics fail the run, and what raw and corrected are. */
export function gateLegend(table: GateTable, calibration: RunResult['environment']['calibration']): string {
  const lines = ['gated: a regression of this metric fails the run; reported: shown, never fails it (docs/regression-gate.md).'];
  if (table.splitChange) lines.push('raw change: current ÷ baseline of the medians, as measured.');
  if (table.corrected === 'machine-speed' || table.corrected === 'mixed') {
    const cal = calibration ? ` (this run's calibration: ${formatNumber(calibration.unitCpuUs)} µs of CPU per probe unit)` : '';
    lines.push(`at equal machine speed: the change with the machine's measured speed factored out${cal}; for latency, throughput and CPU per request this is the change the verdict judges ("–": not corrected, the raw change is judged).`);
  }
  if (table.corrected === 'paired' || table.corrected === 'mixed') lines.push('paired change: the mean of the per-pair changes (stresslab ab), which the verdict judges.');
  return lines.join(' ');
}
