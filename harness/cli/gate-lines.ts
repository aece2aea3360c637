import type { RunResult } from '../contract/run-result.ts';
import { gateSummary, headlineRows, type GateTable } from '../report/gate-table.ts';
import { gateRowCells, gateRowHeaders } from '../report/gate-cells.ts';
import { formatChangePct } from '../report/format-value.ts';
import { formatCi, GATE_OUTCOME_LABEL } from '../report/verdict-label.ts';
import { table } from './summary-table.ts';

/**
 * The regression gate in a terminal (after `run`, `ab` and `compare`): one table, gated metrics
 * first, the same names, figures and verdict words as the reports; a reported-only metric that got
 * worse reads `⚠ worse (not gated)`, never as a failure. Per-request metrics within tolerance are
 * counted, not listed.
 */
export function formatGateLines(gate: GateTable, calibration?: RunResult['environment']['calibration']): string {
  const rows = headlineRows(gate);
  const cells = rows.map((g) => {
    const label = GATE_OUTCOME_LABEL[g.outcome];
    return [...gateRowCells(g, gate), formatCi(g.ciLowPct, g.ciHighPct, formatChangePct), `${label.symbol} ${label.text}`];
  });
  const lines = [table([[...gateRowHeaders(gate), '90% CI', 'verdict'], ...cells])];
  const hidden = gate.rows.length - rows.length;
  if (hidden > 0) lines.push(`(${hidden} per-request metric${hidden === 1 ? '' : 's'} within tolerance not listed; see report.md)`);
  if (gate.corrected === 'machine-speed' || gate.corrected === 'mixed') {
    const cal = calibration ? `, this run's calibration ${calibration.unitCpuUs.toFixed(0)} µs per probe unit` : '';
    lines.push(`raw change: of the medians as measured; at equal machine speed: with the machine's speed factored out (what the gate judges where given${cal})`);
  }
  lines.push(`gate: ${gateSummary(gate) ?? 'every compared metric within tolerance'}`);
  return lines.join('\n');
}
