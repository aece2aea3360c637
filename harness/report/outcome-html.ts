import type { RunResult } from '../contract/run-result.ts';
import type { Stats } from '../contract/stats.ts';
import { formatCount } from './format-value.ts';
import { escapeHtml } from './html-escape.ts';
import { htmlTable, type HtmlCell } from './html-table.ts';
import { ALL_LATENCY_NOTE, failureWindowLine, runIdentity, throughputLine } from './outcome-facts.ts';
import { latencyIsAll, OUTCOME_NOTE, outcomeTable, STATS_HEADERS, statsCells } from './outcome-table.ts';

/** The HTML report's request sections and header facts, OK and KO apart (docs/outcomes.md). */

/** Seed, commit and tool version, for the header's meta line. */
export function identityText(r: RunResult): string {
  return runIdentity(r).map(([k, v]) => `${k} ${v}`).join(' · ');
}

function cells(s: Stats): HtmlCell[] {
  const c = statsCells(s);
  // KO and KO % (columns 3 and 4 of the cells) stand out when there were failures.
  return c.map((text, i) => (s.errors > 0 && (i === 3 || i === 4) ? { text, cls: 'warn' } : text));
}

export function requestsHtml(r: RunResult): string {
  const rows: HtmlCell[][] = Object.keys(r.requests).sort().map((name) => [name, ...cells(r.requests[name]!)]);
  rows.push(['total', ...cells(r.totals)]);
  const parts = [htmlTable(['request', ...STATS_HEADERS], rows)];
  parts.push(`<p>${escapeHtml(throughputLine(r))}</p>`);
  if (latencyIsAll(r)) parts.push(`<p class="meta">${escapeHtml(ALL_LATENCY_NOTE)}</p>`);
  if (r.totals.droppedIterations > 0) parts.push(`<p class="warn">${formatCount(r.totals.droppedIterations)} iterations were dropped: the load generator could not keep the arrival rate.</p>`);
  const outcomes = outcomeTable(r);
  if (outcomes !== null) {
    parts.push('<h3>Outcomes</h3>', htmlTable(outcomes.headers, outcomes.rows.map((row) => [row.name, ...row.cells])), `<p class="meta">${escapeHtml(OUTCOME_NOTE)}</p>`);
  }
  const f = r.failureWindows;
  if (f !== undefined && f.windows.length > 0) {
    const more = f.omitted > 0 ? `<p class="meta">${formatCount(f.omitted)} shorter stretches with fewer failures are left out.</p>` : '';
    parts.push('<h3>When requests failed</h3>', `<ul class="failure-windows">${f.windows.map((w) => `<li>${escapeHtml(failureWindowLine(w))}</li>`).join('')}</ul>${more}`);
  }
  return parts.join('\n');
}
