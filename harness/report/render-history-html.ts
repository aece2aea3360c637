import { loadChartAssets, type ChartAssets } from './chart-assets.ts';
import { CHART_COLORS as C, type ChartDot, type ChartMarker, type ChartSpec } from './chart-spec.ts';
import { formatChangePct, formatCount, formatMs, formatNumber, formatRatioPct, formatRps, formatSec } from './format-value.ts';
import { recoveryCharts } from './history-recovery-charts.ts';
import { historyChangePoints, historyGroupKey, type HistoryCheckMetric, type HistoryGroupResult, type HistoryShift } from './history-change-points.ts';
import { hasFaults, type HistoryLine } from './history-line.ts';
import { escapeHtml } from './html-escape.ts';
import { chartCardHtml, htmlPage } from './html-page.ts';
import { htmlTable, type HtmlCell } from './html-table.ts';

/** Newest runs listed in the table under the charts; the charts always show every run. */
const TABLE_ROWS = 100;

export interface HistoryPageOptions {
  /** Shown in the title, e.g. the environment name. */
  title?: string;
  /** Lines of history.jsonl that could not be read, shown as a note. */
  skippedLines?: number;
}

/**
 * The trend page across runs (nightly builds): p50/p95/p99, throughput and error rate over time
 * (and, for groups that inject faults, time to recover and to detect), one
 * group of charts per scenario and profile (mixing scenarios would make a trend meaningless),
 * each run's verdict as a coloured dot, the change points `stresslab history check` finds (default
 * settings) as lines at the first run of each shift and as a table under the group's charts, then
 * a table of the newest runs. Self-contained like the run report.
 */
export function renderHistoryHtml(
  lines: readonly HistoryLine[],
  options: HistoryPageOptions = {},
  assets: ChartAssets = loadChartAssets(),
): string {
  const sorted = [...lines].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const groups = groupByScenario(sorted);
  const check = historyChangePoints(sorted);
  const checked = new Map(check.groups.map((g) => [g.key, g]));
  const charts: ChartSpec[] = [];
  const body: string[] = [`<h1>Run history${options.title ? ` · ${escapeHtml(options.title)}` : ''}</h1>`];
  body.push(`<p class="meta">${formatCount(sorted.length)} runs · dots: <span style="color:${C.pass}">●</span> pass `
    + `<span style="color:${C.fail}">●</span> fail <span style="color:${C.aborted}">●</span> aborted <span style="color:${C.error}">●</span> harness error</p>`);
  if (options.skippedLines) body.push(`<p class="meta">⚠ ${formatCount(options.skippedLines)} unreadable lines were skipped.</p>`);
  if (sorted.length === 0) body.push('<p>No runs recorded yet.</p>');
  [...groups.entries()].forEach(([key, runs], index) => {
    const group = checked.get(key);
    const shifts = group?.metrics.flatMap((m) => m.changePoints) ?? [];
    const groupCharts = trendCharts(runs, `g${index}`, shifts);
    charts.push(...groupCharts);
    body.push(`<h2>${escapeHtml(key)}</h2>`, ...groupCharts.map(chartCardHtml));
    if (group) body.push(changePointsHtml(group, check.minRuns, check.tolerancePct));
  });
  if (sorted.length > 0) body.push('<h2>Newest runs</h2>', runsTable(sorted.slice(-TABLE_ROWS).reverse()));
  return htmlPage({ title: `Run history${options.title ? ` · ${options.title}` : ''}`, bodyHtml: body.join('\n'), charts, assets });
}

function groupByScenario(lines: readonly HistoryLine[]): Map<string, HistoryLine[]> {
  const groups = new Map<string, HistoryLine[]>();
  for (const line of lines) {
    const key = historyGroupKey(line);
    const group = groups.get(key);
    if (group) group.push(line);
    else groups.set(key, [line]);
  }
  return groups;
}

function trendCharts(runs: readonly HistoryLine[], prefix: string, shifts: readonly HistoryShift[]): ChartSpec[] {
  const x = runs.map((r) => Date.parse(r.startedAt) / 1000);
  const dots: ChartDot[] = runs.map((r, i) => ({ atX: x[i] as number, color: C[r.verdict] }));
  const base = { xKind: 'date' as const, x, bands: [], markers: [], dots };
  const markers = (metrics: readonly HistoryCheckMetric[]): ChartMarker[] => shifts.filter((s) => metrics.includes(s.metric)).map(marker);
  // Only where the target's process was sampled: CPU per request beside the machine's speed, so a
  // step that the calibration also took is visibly the machine's.
  const cpu = runs.some((r) => typeof r.targetCpuMsPerRequest === 'number')
    ? [{ ...base, id: `${prefix}-cpu`, title: 'Target CPU per request and machine calibration', yLabel: 'CPU ms per request', y2Label: 'calibration µs', series: [
      { label: 'CPU ms/request', color: C.target, values: runs.map((r) => r.targetCpuMsPerRequest ?? null), points: true },
      { label: 'calibration µs', color: C.host, values: runs.map((r) => r.calibrationUs ?? null), axis: 'y2' as const, points: true },
    ], markers: markers(['targetCpuMsPerRequest']) }]
    : [];
  return [
    // p50 too: usually the least noisy latency, so the first where a small step shows.
    { ...base, id: `${prefix}-latency`, title: 'Latency (whole run)', yLabel: 'ms', markers: markers(['p50Ms', 'p95Ms', 'p99Ms']), series: [
      { label: 'p50', color: C.p50, values: runs.map((r) => r.p50Ms), points: true },
      { label: 'p95', color: C.p95, values: runs.map((r) => r.p95Ms), points: true },
      { label: 'p99', color: C.p99, values: runs.map((r) => r.p99Ms), points: true },
    ] },
    { ...base, id: `${prefix}-throughput`, title: 'Throughput and error rate', yLabel: 'requests/s', y2Label: 'error %', markers: markers(['rps', 'errorRate']), series: [
      { label: 'requests/s', color: C.rps, values: runs.map((r) => r.rps), points: true },
      { label: 'error %', color: C.errors, values: runs.map((r) => r.errorRate * 100), axis: 'y2', points: true },
    ] },
    ...cpu,
    ...recoveryCharts(runs, prefix, base, { mttr: markers(['mttrSec']), ttd: markers(['ttdSec']) }),
  ];
}

const METRIC_LABEL: Readonly<Record<HistoryCheckMetric, string>> = {
  p50Ms: 'p50', p95Ms: 'p95', p99Ms: 'p99', rps: 'rps', errorRate: 'errors', targetCpuMsPerRequest: 'CPU/request', mttrSec: 'MTTR', ttdSec: 'TTD',
};

/** A line at the first run of a shift: red solid when worse, green dashed when better. */
function marker(s: HistoryShift): ChartMarker {
  return { atX: Date.parse(s.startedAt) / 1000, color: s.direction === 'worse' ? C.fail : C.pass, label: `${METRIC_LABEL[s.metric]} ${changeText(s)}`, dashed: s.direction === 'better' };
}

/** The change in percent; for the error rate (judged in points, where a ratio near 0 means nothing) before → after. */
function changeText(s: HistoryShift): string {
  return s.metric === 'errorRate' || s.changePct === null ? `${formatValue(s.metric, s.before)} → ${formatValue(s.metric, s.after)}` : formatChangePct(s.changePct);
}

/** The change in percent; for the error rate in points, as it is judged. */
function changeColumn(s: HistoryShift): string {
  if (s.metric !== 'errorRate') return formatChangePct(s.changePct);
  const points = (s.after - s.before) * 100;
  return `${points >= 0 ? '+' : ''}${points.toFixed(2)} pt`;
}

function formatValue(metric: HistoryCheckMetric, v: number): string {
  switch (metric) {
    case 'p50Ms': case 'p95Ms': case 'p99Ms': return formatMs(v);
    case 'rps': return formatRps(v);
    case 'errorRate': return formatRatioPct(v);
    case 'targetCpuMsPerRequest': return `${formatNumber(v)} ms`;
    case 'mttrSec': case 'ttdSec': return formatSec(v);
  }
}

function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

/** The group's change points, oldest first, and what the newest segment says. */
function changePointsHtml(group: HistoryGroupResult, minRuns: number, tolerancePct: number): string {
  const shifts = group.metrics.flatMap((m) => m.changePoints).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const out: string[] = [];
  const notes = [
    group.excluded > 0 ? `${formatCount(group.excluded)} aborted, harness-error or target-died runs left out` : '',
    group.earlierScenario > 0 ? `${formatCount(group.earlierScenario)} runs of an earlier version of the scenario not compared` : '',
  ].filter((n) => n !== '').join('; ');
  const aside = notes === '' ? '' : ` (${notes})`;
  if (group.verdict === 'too-few-runs') {
    out.push(`<p class="meta">Change points: ${formatCount(group.runs)} comparable runs, at least ${formatCount(minRuns)} needed${escapeHtml(aside)}.</p>`);
  } else if (shifts.length === 0) {
    out.push(`<p class="meta">Change points: none in ${formatCount(group.runs)} runs${escapeHtml(aside)}.</p>`);
  } else {
    if (notes !== '') out.push(`<p class="meta">Change points in ${formatCount(group.runs)} runs (${escapeHtml(notes)}).</p>`);
    const rows = shifts.map((s): HtmlCell[] => [
      { text: METRIC_LABEL[s.metric], cls: 'text' },
      s.startedAt.slice(0, 10),
      { text: s.runId, cls: 'text' },
      { text: s.gitSha === null ? '–' : s.gitSha.slice(0, 10), cls: 'text' },
      formatValue(s.metric, s.before), formatValue(s.metric, s.after), changeColumn(s), formatP(s.pValue),
      { text: s.direction + (s.environmentChanged ? ' (environment changed)' : ''), cls: s.direction === 'worse' ? 'bad' : 'good' },
    ]);
    out.push('<h3>Change points</h3>', htmlTable(['metric', 'from', 'first run', 'git', 'before', 'after', 'change', 'p', 'shift'], rows));
  }
  for (const m of group.metrics) {
    const r = m.regression;
    if (!r) continue;
    const limit = r.metric === 'errorRate' ? 'more than 0.1 points worse' : `worse than the ${tolerancePct}% tolerance`;
    out.push(`<p class="meta" style="color:${C.fail}">⚠ regression in the newest runs: ${escapeHtml(METRIC_LABEL[m.metric])} ${escapeHtml(changeText(r))} since run ${escapeHtml(r.runId)}${r.gitSha ? ` (git ${escapeHtml(r.gitSha.slice(0, 10))})` : ''}, ${limit}.</p>`);
  }
  return out.join('\n');
}

function runsTable(runs: readonly HistoryLine[]): string {
  const verdictCls = { pass: 'good', fail: 'bad', inconclusive: 'warn', aborted: 'warn', error: 'bad' } as const;
  const rows = runs.map((r): HtmlCell[] => [
    r.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'),
    { text: r.profile === null ? r.scenario : `${r.scenario} (${r.profile})`, cls: 'text' },
    { text: r.verdict, cls: verdictCls[r.verdict] },
    { text: r.gitSha === null ? '–' : r.gitSha.slice(0, 10), cls: 'text' },
    formatRps(r.rps), formatMs(r.p95Ms), formatMs(r.p99Ms), formatRatioPct(r.errorRate), formatSec(r.mttrSec), formatSec(r.ttdSec),
    { text: hasFaults(r) ? String(r.notRecovered) : '–', cls: r.notRecovered > 0 ? 'bad' : '' },
    { text: String(r.regressions), cls: r.regressions > 0 ? 'bad' : '' },
  ]);
  return htmlTable(['started', 'scenario', 'verdict', 'git', 'rps', 'p95', 'p99', 'errors', 'MTTR', 'TTD', 'not recovered', 'regressions'], rows);
}
