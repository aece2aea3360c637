import type { ResourceUsage, RunResult } from '../contract/run-result.ts';
import {
  formatBytes, formatClock, formatCount, formatCpu, formatNumber, formatSec,
} from './format-value.ts';
import { escapeMarkdown as md, markdownTable, type Align } from './markdown-table.ts';
import { identityMarkdown, MD_STATS_ALIGN, requestsMarkdown } from './outcome-markdown.ts';
import { STATS_HEADERS, statsCells } from './outcome-table.ts';
import { recoverySentence } from './recovery-sentence.ts';
import { effectEvidenceLine, effectLabel } from './effect-label.ts';
import { DETECTABLE_NOTE, GATE_OUTCOME_LABEL, VERDICT_LABEL } from './verdict-label.ts';
import { gateSummary, gateTable, headlineRows, type GateRow } from './gate-table.ts';
import { GATE_DETAIL_HEADERS, gateDetailCells, gateLegend, gateRowCells, gateRowHeaders } from './gate-cells.ts';

/**
 * The run as GitHub-flavoured Markdown, verdict and reasons first, so it can be posted as a job
 * summary or PR comment. Sections without data are left out rather than shown empty.
 */
export function renderMarkdown(result: RunResult): string {
  const sections = [
    verdictSection(result),
    requestsMarkdown(result),
    phasesSection(result),
    thresholdsSection(result),
    regressionsSection(result),
    faultsSection(result),
    integritySection(result),
    resourcesSection(result),
    warningsSection(result),
  ];
  return `${sections.filter((s): s is string => s !== null).join('\n\n')}\n`;
}

function verdictSection(r: RunResult): string {
  const v = VERDICT_LABEL[r.verdict];
  const profile = r.scenario.profile === null ? '' : ` (profile ${md(r.scenario.profile)})`;
  const lines = [`## ${v.icon} ${v.text} — ${md(r.scenario.name)}${profile}`, ''];
  if (r.reasons.length === 0) lines.push(r.verdict === 'pass' ? 'All gates passed.' : 'No reason recorded.');
  else lines.push(...r.reasons.map((reason) => `- ${md(reason)}`));
  const durationMs = Date.parse(r.endedAt) - Date.parse(r.startedAt);
  const target = `${md(r.target.url)}${r.target.embedded ? ' (embedded)' : ''}`;
  lines.push('', `Run \`${r.runId.replace(/`/g, "'")}\` · env **${md(r.environment.name)}** · target ${target} · `
    + `${md(r.startedAt)} · ${formatClock(durationMs)} long · ${identityMarkdown(r)}`);
  return lines.join('\n');
}

function phasesSection(r: RunResult): string | null {
  if (r.phases.length < 2) return null;
  const rows = r.phases.map((p) => [`${md(p.name)} (${formatClock(p.startMs)}–${formatClock(p.endMs)})`, ...statsCells(p.stats)]);
  return `### Phases\n\n${markdownTable(['phase', ...STATS_HEADERS], rows, MD_STATS_ALIGN)}`;
}

function thresholdsSection(r: RunResult): string | null {
  if (r.thresholds.length === 0) return null;
  const rows = r.thresholds.map((t) => [
    md(t.metric), `\`${t.expression.replace(/`/g, "'")}\``, formatNumber(t.actual), t.pass ? '✅ pass' : '❌ **fail**',
  ]);
  return `### Thresholds\n\n${markdownTable(['metric', 'threshold', 'actual', 'result'], rows, ['left', 'left', 'right', 'left'])}`;
}

function regressionsSection(r: RunResult): string {
  if (r.regressions.length === 0) return '### Regressions\n\nNo baseline was compared.';
  const table = gateTable(r);
  const headers = [...gateRowHeaders(table), 'verdict'];
  const align: Align[] = headers.map((_, i) => (i >= 2 && i < headers.length - 1 ? 'right' : 'left'));
  const rowsOf = (rows: readonly GateRow[]): string[][] => rows.map((g) => [...gateRowCells(g, table).map((c, i) => (i === 0 ? md(c) : c)), gateVerdictMd(g)]);
  const headline = headlineRows(table);
  const folded = table.rows.filter((g) => !headline.includes(g));
  const summary = gateSummary(table);
  const parts = [
    '### Regressions vs baseline',
    summary === null ? 'Every compared metric is within tolerance.' : table.rows.some((g) => g.failsRun) ? `**${md(summary)}**` : md(summary),
    markdownTable(headers, rowsOf(headline), align),
    md(gateLegend(table, r.environment.calibration)),
  ];
  if (folded.length > 0) {
    parts.push(`<details><summary>${folded.length} per-request metric${folded.length === 1 ? '' : 's'} within tolerance</summary>\n\n${markdownTable(headers, rowsOf(folded), align)}\n\n</details>`);
  }
  const details = markdownTable(GATE_DETAIL_HEADERS, table.rows.map((g) => gateDetailCells(g).map((c, i) => (i === 0 || i === 3 ? md(c) : c))), ['left', 'right', 'right', 'left']);
  parts.push(`<details><summary>How each metric was judged: interval, detectable change, notes</summary>\n\n${details}\n\n${DETECTABLE_NOTE}\n\n</details>`);
  return parts.join('\n\n');
}

function gateVerdictMd(g: GateRow): string {
  const label = GATE_OUTCOME_LABEL[g.outcome];
  return g.failsRun ? `${label.icon} **${label.text}**` : `${label.icon} ${label.text}`;
}

function faultsSection(r: RunResult): string | null {
  if (r.faults.length === 0) return null;
  // Results written before effects existed (and k6 imports) have none: no empty column for them.
  const withEffects = r.faults.some((f) => f.effect !== undefined);
  const rows = r.faults.map((f) => [
    md(f.name), md(f.kind), formatClock(f.injectedAtMs), formatClock(f.removedAtMs),
    formatSec(f.ttdSec), formatSec(f.ttrSec), f.recovered ? '✅ yes' : '❌ **no**', ...(withEffects ? [effectLabel(f).icon] : []),
  ]);
  const headers = ['fault', 'kind', 'injected', 'removed', 'TTD', 'TTR', 'recovered', ...(withEffects ? ['effect'] : [])];
  const table = markdownTable(headers, rows, ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left']);
  const evidence = r.faults.flatMap((f) => {
    const line = effectEvidenceLine(f);
    return line === null ? [] : [`- ${md(line)}`];
  });
  const effects = evidence.length === 0 ? '' : `\n\nEffect evidence (docs/fault-effect.md):\n\n${evidence.join('\n')}`;
  return `### Faults and recovery\n\n${table}\n\n${recoverySentence(r) ?? ''}${effects}`;
}

function integritySection(r: RunResult): string | null {
  const i = r.integrity;
  if (i === null) return null;
  if (i.status === 'error') return `### Integrity\n\n❔ The audit could not be completed (${formatCount(i.accepted)} accepted ids): ${md(i.reason ?? 'unknown error')}${auditLine(i)}`;
  const bad = (n: number | null): string => (n !== null && n > 0 ? `❌ **${formatCount(n)}**` : '0');
  const rows = [[formatCount(i.accepted), formatCount(i.terminal ?? 0), bad(i.lost), bad(i.stuck), bad(i.duplicated)]];
  const headers = ['accepted', 'terminal', 'lost', 'stuck', 'duplicated'];
  return `### Integrity\n\n${markdownTable(headers, rows, ['right', 'right', 'right', 'right', 'right'])}${auditLine(i)}`;
}

/** How the audit went: its source and pace (absent in results written before it was recorded). */
function auditLine(i: NonNullable<RunResult['integrity']>): string {
  const a = i.audit;
  if (a === undefined) return '';
  const pace = a.idsPerSec === null ? '' : `, ${formatCount(a.idsPerSec)} ids/s`;
  return `\n\nAudited through ${md(a.label)}: ${formatCount(a.ids)} ids, ${formatCount(a.lookups)} lookups in ${a.rounds} round${a.rounds === 1 ? '' : 's'} over ${formatNumber(a.waitedMs / 1000)} s${pace}.`;
}

function resourcesSection(r: RunResult): string | null {
  const entries = (['host', 'target', 'harness'] as const)
    .map((name) => [name, r.resources[name]] as const)
    .filter((e): e is readonly [typeof e[0], ResourceUsage] => e[1] !== null);
  if (entries.length === 0) return null;
  const rows = entries.map(([name, u]) => [
    name, formatCpu(u.cpuPercent.mean), formatCpu(u.cpuPercent.p95), formatCpu(u.cpuPercent.max),
    u.cpuSeconds === undefined ? '–' : `${formatNumber(u.cpuSeconds)} s`,
    formatBytes(u.rssBytes.mean), formatBytes(u.rssBytes.max),
    u.rssBytes.slopeBytesPerHour === null ? '–' : `${formatBytes(u.rssBytes.slopeBytesPerHour)}/h`,
    u.leak === 'leak' ? '❌ **leak**' : u.leak === 'suspect' ? '⚠️ suspect' : u.leak,
  ]);
  const headers = ['process', 'CPU mean', 'CPU p95', 'CPU max', 'CPU time', 'memory mean', 'memory max', 'memory slope', 'leak'];
  return `### Resources\n\n${markdownTable(headers, rows, ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'])}`;
}

function warningsSection(r: RunResult): string | null {
  // A warning that repeats a row of the regression table (a suspect or reported-only metric) is shown there.
  const repeated = gateTable(r).repeatedWarnings;
  const warnings = r.warnings.filter((w) => !repeated.has(w));
  if (warnings.length === 0) return null;
  return `### Warnings\n\n${warnings.map((w) => `- ⚠️ ${md(w)}`).join('\n')}`;
}
