import type { ResourceUsage, RunResult } from '../contract/run-result.ts';
import { loadChartAssets, type ChartAssets } from './chart-assets.ts';
import {
  formatBytes, formatChangePct, formatClock, formatCount, formatCpu, formatNumber, formatSec,
} from './format-value.ts';
import { escapeHtml } from './html-escape.ts';
import { chartCardHtml, htmlPage } from './html-page.ts';
import { htmlTable, type HtmlCell } from './html-table.ts';
import { recoverySentence } from './recovery-sentence.ts';
import { effectEvidenceLine, effectLabel } from './effect-label.ts';
import { buildRunCharts, type RunChartInput } from './run-report-charts.ts';
import { identityText, requestsHtml } from './outcome-html.ts';
import { DETECTABLE_NOTE, GATE_OUTCOME_LABEL, VERDICT_LABEL } from './verdict-label.ts';
import { gateSummary, gateTable, headlineRows, type GateRow } from './gate-table.ts';
import { GATE_DETAIL_HEADERS, gateDetailCells, gateLegend, gateRowCells, gateRowHeaders } from './gate-cells.ts';

export type HtmlReportInput = RunChartInput;

/**
 * The run report as one self-contained HTML file: verdict, charts over time with fault windows
 * shaded and recovery marked, then the tables. Pure when `assets` is passed (the writer does);
 * otherwise uPlot is read from node_modules once per process.
 */
export function renderHtml(input: HtmlReportInput, assets: ChartAssets = loadChartAssets()): string {
  const r = input.result;
  const charts = buildRunCharts(input);
  const body = [
    headerHtml(r),
    '<h2>Over time</h2>',
    ...charts.map(chartCardHtml),
    section('Regressions vs baseline', regressionsHtml(r)),
    section('Requests', requestsHtml(r)),
    section('Thresholds', r.thresholds.length === 0 ? null : thresholdsHtml(r)),
    section('Faults and recovery', faultsHtml(r)),
    section('Integrity', integrityHtml(r)),
    section('Resources', resourcesHtml(r)),
    `<footer>stresslab result schema v${r.schemaVersion} · source ${escapeHtml(r.source)} · scenario hash ${escapeHtml(r.scenario.hash)} · environment ${escapeHtml(r.environment.fingerprintHash)}</footer>`,
  ];
  const title = `${VERDICT_LABEL[r.verdict].text} · ${r.scenario.name} · ${r.runId}`;
  return htmlPage({ title, bodyHtml: body.join('\n'), charts, assets });
}

function section(title: string, html: string | null): string {
  return html === null ? '' : `<h2>${escapeHtml(title)}</h2>\n${html}`;
}

function headerHtml(r: RunResult): string {
  const v = VERDICT_LABEL[r.verdict];
  const profile = r.scenario.profile === null ? '' : ` <span class="meta">profile ${escapeHtml(r.scenario.profile)}</span>`;
  const durationMs = Date.parse(r.endedAt) - Date.parse(r.startedAt);
  const meta = `run ${r.runId} · env ${r.environment.name} · target ${r.target.url}${r.target.embedded ? ' (embedded)' : ''} · ${r.startedAt} · ${formatClock(durationMs)} long · ${identityText(r)}`;
  const reasons = r.reasons.length === 0
    ? `<p>${r.verdict === 'pass' ? 'All gates passed.' : 'No reason recorded.'}</p>`
    : `<ul class="reasons">${r.reasons.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`;
  // A warning that repeats a row of the regression table (a suspect or reported-only metric) is shown there.
  const repeated = gateTable(r).repeatedWarnings;
  const shown = r.warnings.filter((w) => !repeated.has(w));
  const warnings = shown.length === 0
    ? ''
    : `<ul class="warnings">${shown.map((w) => `<li>⚠ ${escapeHtml(w)}</li>`).join('')}</ul>`;
  return `<h1><span class="verdict ${r.verdict}">${v.text}</span> ${escapeHtml(r.scenario.name)}${profile}</h1>
<p class="meta">${escapeHtml(meta)}</p>
${reasons}${warnings}`;
}

function thresholdsHtml(r: RunResult): string {
  const rows = r.thresholds.map((t): HtmlCell[] => [
    t.metric, { text: t.expression, cls: 'text' }, formatNumber(t.actual),
    t.pass ? { text: '✓ pass', cls: 'good' } : { text: '✗ fail', cls: 'bad' },
  ]);
  return htmlTable(['metric', 'threshold', 'actual', 'result'], rows);
}

function regressionsHtml(r: RunResult): string {
  if (r.regressions.length === 0) return '<p class="meta">No baseline was compared.</p>';
  const table = gateTable(r);
  const headers = [...gateRowHeaders(table), 'verdict'];
  const rowsOf = (rows: readonly GateRow[]): HtmlCell[][] => rows.map((g) => {
    const [label = '', gate = '', ...rest] = gateRowCells(g, table);
    const verdict = GATE_OUTCOME_LABEL[g.outcome];
    return [label, { text: gate, cls: 'text' }, ...rest, { text: `${verdict.symbol} ${verdict.text}`, cls: verdict.tone === 'none' ? '' : verdict.tone }];
  });
  const headline = headlineRows(table);
  const folded = table.rows.filter((g) => !headline.includes(g));
  const summary = gateSummary(table);
  const parts = [
    summary === null ? '<p>Every compared metric is within tolerance.</p>' : `<p class="${table.rows.some((g) => g.failsRun) ? 'bad' : 'warn'}">${escapeHtml(summary)}</p>`,
    htmlTable(headers, rowsOf(headline)),
    `<p class="meta">${escapeHtml(gateLegend(table, r.environment.calibration))}</p>`,
  ];
  if (folded.length > 0) {
    parts.push(`<details><summary>${folded.length} per-request metric${folded.length === 1 ? '' : 's'} within tolerance</summary>\n${htmlTable(headers, rowsOf(folded))}\n</details>`);
  }
  const details = htmlTable(GATE_DETAIL_HEADERS, table.rows.map((g): HtmlCell[] => gateDetailCells(g).map((c, i) => (i === 3 ? { text: c, cls: 'text' } : c))));
  parts.push(`<details><summary>How each metric was judged: interval, detectable change, notes</summary>\n${details}\n<p class="meta">${escapeHtml(DETECTABLE_NOTE)}</p>\n</details>`);
  return parts.join('\n');
}

function faultsHtml(r: RunResult): string | null {
  if (r.faults.length === 0) return null;
  const withEffects = r.faults.some((f) => f.effect !== undefined);
  const rows = r.faults.map((f): HtmlCell[] => [
    f.name, { text: f.kind, cls: 'text' }, formatClock(f.injectedAtMs), formatClock(f.removedAtMs),
    formatSec(f.ttdSec), formatSec(f.ttrSec), f.recovered ? { text: '✓ yes', cls: 'good' } : { text: '✗ no', cls: 'bad' },
    ...(withEffects ? [effectCell(f)] : []),
  ]);
  const table = htmlTable(['fault', 'kind', 'injected', 'removed', 'TTD', 'TTR', 'recovered', ...(withEffects ? ['effect'] : [])], rows);
  const evidence = r.faults.flatMap((f) => {
    const line = effectEvidenceLine(f);
    return line === null ? [] : [`<li>${escapeHtml(line)}</li>`];
  });
  const effects = evidence.length === 0 ? '' : `\n<p>Effect evidence:</p>\n<ul>\n${evidence.join('\n')}\n</ul>`;
  return `${table}\n<p>${escapeHtml(recoverySentence(r) ?? '')}</p>${effects}`;
}

function effectCell(f: RunResult['faults'][number]): HtmlCell {
  const label = effectLabel(f);
  return { text: label.text, cls: label.tone === 'good' ? 'good' : label.tone === 'bad' ? 'bad' : 'text' };
}

function integrityHtml(r: RunResult): string | null {
  const i = r.integrity;
  if (i === null) return null;
  if (i.status === 'error') return `<p class="bad">The audit could not be completed (${formatCount(i.accepted)} accepted ids): ${escapeHtml(i.reason ?? 'unknown error')}</p>`;
  const bad = (n: number | null): HtmlCell => ({ text: formatCount(n ?? 0), cls: (n ?? 0) > 0 ? 'bad' : 'good' });
  return htmlTable(['accepted', 'terminal', 'lost', 'stuck', 'duplicated'], [
    [{ text: formatCount(i.accepted), cls: '' }, formatCount(i.terminal ?? 0), bad(i.lost), bad(i.stuck), bad(i.duplicated)],
  ]);
}

function resourcesHtml(r: RunResult): string | null {
  const rows: HtmlCell[][] = [];
  for (const name of ['host', 'target', 'harness'] as const) {
    const u: ResourceUsage | null = r.resources[name];
    if (u === null) continue;
    rows.push([
      name, formatCpu(u.cpuPercent.mean), formatCpu(u.cpuPercent.p95), formatCpu(u.cpuPercent.max),
      formatBytes(u.rssBytes.mean), formatBytes(u.rssBytes.max),
      u.rssBytes.slopeBytesPerHour === null ? '–' : `${formatBytes(u.rssBytes.slopeBytesPerHour)}/h`,
      { text: u.leak, cls: u.leak === 'leak' ? 'bad' : u.leak === 'suspect' ? 'warn' : 'text' },
    ]);
  }
  if (rows.length === 0) return null;
  return htmlTable(['process', 'CPU mean', 'CPU p95', 'CPU max', 'memory mean', 'memory max', 'memory slope', 'leak'], rows);
}
