import type { RunResult } from '../contract/run-result.ts';
import { formatCount } from './format-value.ts';
import { escapeMarkdown as md, markdownTable, type Align } from './markdown-table.ts';
import { ALL_LATENCY_NOTE, failureWindowLine, runIdentityLine, throughputLine } from './outcome-facts.ts';
import { latencyIsAll, OUTCOME_NOTE, outcomeTable, STATS_HEADERS, statsCells } from './outcome-table.ts';

/** The Markdown report's request sections, OK and KO apart (docs/outcomes.md). */

export const MD_STATS_ALIGN: Align[] = ['left', ...STATS_HEADERS.map((): Align => 'right')];

/** "Run `id` · …" is the verdict section's; this is the line under it: seed, commit, tool version. */
export function identityMarkdown(r: RunResult): string {
  return md(runIdentityLine(r));
}

export function requestsMarkdown(r: RunResult): string {
  const names = Object.keys(r.requests).sort();
  const rows = names.map((name) => [md(name), ...statsCells(r.requests[name]!)]);
  rows.push(['**total**', ...statsCells(r.totals).map((c) => `**${c}**`)]);
  const parts = [`### Requests\n\n${markdownTable(['request', ...STATS_HEADERS], rows, MD_STATS_ALIGN)}`];
  parts.push(md(throughputLine(r)));
  if (latencyIsAll(r)) parts.push(ALL_LATENCY_NOTE);
  if (r.totals.droppedIterations > 0) parts.push(`${formatCount(r.totals.droppedIterations)} iterations were dropped: the load generator could not keep the arrival rate.`);
  const cancelled = r.totals.cancelled ?? 0;
  if (cancelled > 0) parts.push(`${formatCount(cancelled)} requests in flight were cancelled by the harness when the run stopped: not counted as requests or errors.`);
  const outcomes = outcomeTable(r);
  if (outcomes !== null) {
    const table = markdownTable(
      outcomes.headers,
      outcomes.rows.map((row) => (row.total ? [`**${row.name}**`, ...row.cells.map((c) => `**${c}**`)] : [md(row.name), ...row.cells])),
      outcomes.headers.map((_, i): Align => (i === 0 ? 'left' : 'right')),
    );
    parts.push(`#### Outcomes\n\n${table}\n\n${OUTCOME_NOTE}`);
  }
  const windows = failureWindowsMarkdown(r);
  if (windows !== null) parts.push(windows);
  return parts.join('\n\n');
}

/** When requests failed, per stretch of seconds (the HTML report charts them per second). */
function failureWindowsMarkdown(r: RunResult): string | null {
  const f = r.failureWindows;
  if (f === undefined || f.windows.length === 0) return null;
  const more = f.omitted > 0 ? `\n\n${formatCount(f.omitted)} shorter stretches with fewer failures are left out.` : '';
  return `#### When requests failed\n\n${f.windows.map((w) => `- ${md(failureWindowLine(w))}`).join('\n')}${more}`;
}
