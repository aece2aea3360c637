import { loadChartAssets, type ChartAssets } from './chart-assets.ts';
import { CHART_COLORS as C, type ChartDot, type ChartSpec } from './chart-spec.ts';
import { formatCount, formatMs, formatRatioPct, formatRps, formatSec } from './format-value.ts';
import type { HistoryLine } from './history-line.ts';
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
 * The trend page across runs (nightly builds): p95/p99, throughput and error rate over time, one
 * group of charts per scenario and profile (mixing scenarios would make a trend meaningless),
 * each run's verdict as a coloured dot, then a table of the newest runs. Self-contained like
 * the run report.
 */
export function renderHistoryHtml(
  lines: readonly HistoryLine[],
  options: HistoryPageOptions = {},
  assets: ChartAssets = loadChartAssets(),
): string {
  const sorted = [...lines].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const groups = groupByScenario(sorted);
  const charts: ChartSpec[] = [];
  const body: string[] = [`<h1>Run history${options.title ? ` · ${escapeHtml(options.title)}` : ''}</h1>`];
  body.push(`<p class="meta">${formatCount(sorted.length)} runs · dots: <span style="color:${C.pass}">●</span> pass `
    + `<span style="color:${C.fail}">●</span> fail <span style="color:${C.aborted}">●</span> aborted <span style="color:${C.error}">●</span> harness error</p>`);
  if (options.skippedLines) body.push(`<p class="meta">⚠ ${formatCount(options.skippedLines)} unreadable lines were skipped.</p>`);
  if (sorted.length === 0) body.push('<p>No runs recorded yet.</p>');
  [...groups.entries()].forEach(([key, runs], index) => {
    const groupCharts = trendCharts(runs, `g${index}`);
    charts.push(...groupCharts);
    body.push(`<h2>${escapeHtml(key)}</h2>`, ...groupCharts.map(chartCardHtml));
  });
  if (sorted.length > 0) body.push('<h2>Newest runs</h2>', runsTable(sorted.slice(-TABLE_ROWS).reverse()));
  return htmlPage({ title: `Run history${options.title ? ` · ${options.title}` : ''}`, bodyHtml: body.join('\n'), charts, assets });
}

function groupByScenario(lines: readonly HistoryLine[]): Map<string, HistoryLine[]> {
  const groups = new Map<string, HistoryLine[]>();
  for (const line of lines) {
    const key = line.profile === null ? line.scenario : `${line.scenario} (profile ${line.profile})`;
    const group = groups.get(key);
    if (group) group.push(line);
    else groups.set(key, [line]);
  }
  return groups;
}

function trendCharts(runs: readonly HistoryLine[], prefix: string): ChartSpec[] {
  const x = runs.map((r) => Date.parse(r.startedAt) / 1000);
  const dots: ChartDot[] = runs.map((r, i) => ({ atX: x[i] as number, color: C[r.verdict] }));
  const base = { xKind: 'date' as const, x, bands: [], markers: [], dots };
  // Only where the target's process was sampled: CPU per request beside the machine's speed, so a
  // step that the calibration also took is visibly the machine's.
  const cpu = runs.some((r) => typeof r.targetCpuMsPerRequest === 'number')
    ? [{ ...base, id: `${prefix}-cpu`, title: 'Target CPU per request and machine calibration', yLabel: 'CPU ms per request', y2Label: 'calibration µs', series: [
      { label: 'CPU ms/request', color: C.target, values: runs.map((r) => r.targetCpuMsPerRequest ?? null), points: true },
      { label: 'calibration µs', color: C.host, values: runs.map((r) => r.calibrationUs ?? null), axis: 'y2' as const, points: true },
    ] }]
    : [];
  return [
    { ...base, id: `${prefix}-latency`, title: 'Latency (whole run)', yLabel: 'ms', series: [
      { label: 'p95', color: C.p95, values: runs.map((r) => r.p95Ms), points: true },
      { label: 'p99', color: C.p99, values: runs.map((r) => r.p99Ms), points: true },
    ] },
    { ...base, id: `${prefix}-throughput`, title: 'Throughput and error rate', yLabel: 'requests/s', y2Label: 'error %', series: [
      { label: 'requests/s', color: C.rps, values: runs.map((r) => r.rps), points: true },
      { label: 'error %', color: C.errors, values: runs.map((r) => r.errorRate * 100), axis: 'y2', points: true },
    ] },
    ...cpu,
  ];
}

function runsTable(runs: readonly HistoryLine[]): string {
  const verdictCls = { pass: 'good', fail: 'bad', inconclusive: 'warn', aborted: 'warn', error: 'bad' } as const;
  const rows = runs.map((r): HtmlCell[] => [
    r.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'),
    { text: r.profile === null ? r.scenario : `${r.scenario} (${r.profile})`, cls: 'text' },
    { text: r.verdict, cls: verdictCls[r.verdict] },
    { text: r.gitSha === null ? '–' : r.gitSha.slice(0, 10), cls: 'text' },
    formatRps(r.rps), formatMs(r.p95Ms), formatMs(r.p99Ms), formatRatioPct(r.errorRate), formatSec(r.mttrSec),
    { text: String(r.regressions), cls: r.regressions > 0 ? 'bad' : '' },
  ]);
  return htmlTable(['started', 'scenario', 'verdict', 'git', 'rps', 'p95', 'p99', 'errors', 'MTTR', 'regressions'], rows);
}
