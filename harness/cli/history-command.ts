import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import {
  HISTORY_CHECK_METRICS,
  historyChangePoints,
  type HistoryChangePoints,
  type HistoryCheckMetric,
  type HistoryGroupResult,
  type HistoryShift,
} from '../report/history-change-points.ts';
import type { HistoryLine } from '../report/history-line.ts';
import { readHistory } from '../report/read-history.ts';
import type { StresslabCommand } from './command.ts';
import { table } from './summary-table.ts';
import { fmtPct, fmtValue } from './format-number.ts';

export interface HistoryArgs {
  action: 'check';
  file: string;
  tolerance: number;
  'p-value': number;
  /** One name, or several when the flag is repeated. */
  metric: HistoryCheckMetric | HistoryCheckMetric[] | undefined;
  since: string | undefined;
  json: boolean;
}

export const historyCommand: StresslabCommand<HistoryArgs> = {
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['check'] as const, describe: 'check <file>' })
      .positional('file', { type: 'string', demandOption: true, describe: 'A history file, e.g. reports/nightly/history.jsonl' })
      .option('tolerance', { type: 'number', default: 5, describe: 'Percent: the newest shift is a regression when worse than this (the error rate: by more than 0.1 points)' })
      .option('p-value', { type: 'number', default: 0.001, describe: 'Largest p-value of a change point (two-sided t-test between the segments around it)' })
      .option('metric', { type: 'string', choices: HISTORY_CHECK_METRICS, describe: 'Check only this metric (repeatable)' })
      .option('since', { type: 'string', describe: 'Check only runs from this one on: a run id, a git sha (7+ characters) or an ISO date; accepts a deliberate change that is now the norm' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout (same exit codes)' }) as unknown as Argv<HistoryArgs>,
  examples: [
    ['stresslab history check reports/nightly/history.jsonl', 'Change points of every metric; exit 1 when the newest runs regressed'],
    ['stresslab history check reports/nightly/history.jsonl --metric p95Ms --metric targetCpuMsPerRequest --tolerance 8', 'Two metrics, 8 % tolerance'],
    ['stresslab history check reports/nightly/history.jsonl --json > change-points.json', 'Machine-readable result'],
    ['stresslab history check reports/nightly/history.jsonl --since 3f9c2a1', 'After an intended slowdown in commit 3f9c2a1: judge only the runs from it on'],
  ],
  async run(args, io) {
    const tolerancePct = args.tolerance;
    const maxPValue = args['p-value'];
    if (!(Number.isFinite(tolerancePct) && tolerancePct > 0)) {
      throw new StresslabError('BAD_USAGE', `--tolerance must be a percentage above 0, got ${String(tolerancePct)}`, { hint: 'e.g. --tolerance 5' });
    }
    if (!(maxPValue > 0 && maxPValue < 1)) throw new StresslabError('BAD_USAGE', `--p-value must be between 0 and 1, got ${String(maxPValue)}`, { hint: 'e.g. --p-value 0.001' });
    const file = path.resolve(io.cwd, args.file);
    // Strict: a damaged line is exit 2, since the skipped run could be where a shift began.
    const { lines: all } = await readHistory(file, { strict: true });
    const lines = args.since === undefined ? all : linesSince(all, args.since, args.file);
    const metrics = args.metric === undefined ? undefined : [...new Set([args.metric].flat())];
    const result = historyChangePoints(lines, { tolerancePct, maxPValue, ...(metrics ? { metrics } : {}) });
    if (args.json) io.out(JSON.stringify({ file: args.file, runs: lines.length, ...result }, null, 2));
    else io.out(formatCheck(args.file, lines.length, result));
    return result.verdict === 'regression' ? ExitCode.gateFailed : ExitCode.ok;
  },
};

/**
 * The runs from `since` on: its run id, the first run of a git sha (a prefix of 7 or more characters),
 * or an ISO date. A deliberate change stays the newest shift until another one; this is how a team
 * says it is the new normal.
 */
function linesSince(lines: readonly HistoryLine[], since: string, file: string): HistoryLine[] {
  const sorted = [...lines].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const key = since.trim();
  const byRun = sorted.findIndex((l) => l.runId === key || (key.length >= 7 && /^[0-9a-f]+$/i.test(key) && l.gitSha?.toLowerCase().startsWith(key.toLowerCase()) === true));
  if (byRun >= 0) return sorted.slice(byRun);
  const at = /^\d{4}-\d{2}-\d{2}/.test(key) ? Date.parse(key) : Number.NaN;
  if (Number.isFinite(at)) return sorted.filter((l) => Date.parse(l.startedAt) >= at);
  throw new StresslabError('BAD_USAGE', `--since ${JSON.stringify(since)} is no run id or git sha in ${file}, nor an ISO date`, {
    hint: 'e.g. --since 20261203T021500Z-ab12 (a run id), --since 3f9c2a1 (a git sha) or --since 2026-12-03',
  });
}

function formatCheck(file: string, lineCount: number, r: HistoryChangePoints): string {
  const out: string[] = [
    `history ${file}: ${lineCount} runs in ${r.groups.length} group${r.groups.length === 1 ? '' : 's'}; ` +
      `change points of at least ${r.minShiftPct}% with p ≤ ${r.maxPValue} and ${r.minRuns / 2} runs on each side; tolerance ${r.tolerancePct}%`,
  ];
  for (const g of r.groups) out.push('', ...formatGroup(g, r));
  out.push('', verdictLine(r, lineCount));
  return out.join('\n');
}

function formatGroup(g: HistoryGroupResult, r: HistoryChangePoints): string[] {
  const notes = [
    g.excluded > 0 ? `${g.excluded} aborted, harness-error or target-died run${g.excluded === 1 ? '' : 's'} left out` : '',
    g.earlierScenario > 0 ? `${g.earlierScenario} run${g.earlierScenario === 1 ? '' : 's'} of an earlier version of the scenario not compared` : '',
  ].filter((n) => n !== '');
  const aside = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  if (g.verdict === 'too-few-runs' && g.metrics.every((m) => m.verdict === 'too-few-runs')) {
    return [`${g.key}: ${g.runs} runs, at least ${r.minRuns} needed to find a change point${aside}`];
  }
  const out = [`${g.key}: ${g.runs} runs compared${aside}`];
  const shifts = g.metrics.flatMap((m) => m.changePoints);
  if (shifts.length > 0) {
    const rows = shifts.map((s) => [
      s.metric, s.startedAt.slice(0, 10), s.runId, shortSha(s.gitSha), `${value(s.metric, s.before)} → ${value(s.metric, s.after)}`,
      change(s), formatP(s.pValue), s.direction + (s.environmentChanged ? ' (environment changed)' : ''),
    ]);
    out.push(...table([['metric', 'date', 'first run', 'git', 'before → after', 'change', 'p', 'shift'], ...rows]).split('\n').map((l) => `  ${l}`));
  }
  const quiet = g.metrics.filter((m) => m.verdict !== 'too-few-runs' && m.changePoints.length === 0).map((m) => m.metric);
  if (quiet.length > 0) out.push(`  no change point: ${quiet.join(', ')}`);
  for (const m of g.metrics.filter((x) => x.verdict === 'too-few-runs')) out.push(`  ${m.metric}: ${m.runs} runs with a value, at least ${r.minRuns} needed`);
  const regressions = g.metrics.flatMap((m) => (m.regression ? [m.regression] : []));
  for (const s of regressions) out.push(`  REGRESSION: ${describeShift(s, r.tolerancePct)}`);
  if (regressions.length === 0) out.push('  newest runs: no regression');
  return out;
}

function verdictLine(r: HistoryChangePoints, lineCount: number): string {
  if (r.verdict === 'regression') {
    return `verdict: REGRESSION in ${r.regressions.map(({ group, shift }) => `${group} ${shift.metric} since run ${shift.runId} (git ${shortSha(shift.gitSha)})`).join('; ')}`;
  }
  if (r.verdict === 'too-few-runs') {
    const most = Math.max(0, ...r.groups.map((g) => g.runs));
    return `verdict: too few runs to find a change point: ${r.groups.length > 1 ? `the largest group has ${most}` : `${r.groups[0]?.runs ?? lineCount}`} runs, at least ${r.minRuns} needed`;
  }
  return 'verdict: no regression in the newest runs';
}

function describeShift(s: HistoryShift, tolerancePct: number): string {
  const limit = s.metric === 'errorRate' ? 'more than 0.1 points worse' : `worse than the ${tolerancePct}% tolerance`;
  return `${s.metric} ${change(s)} (${value(s.metric, s.before)} → ${value(s.metric, s.after)}) since ${s.startedAt.slice(0, 10)}, run ${s.runId}, git ${shortSha(s.gitSha)}: ${limit}`;
}

/** Percent; the error rate in points, as it is judged (near 0 % a ratio means nothing). */
function change(s: HistoryShift): string {
  if (s.metric !== 'errorRate') return fmtPct(s.changePct);
  const points = (s.after - s.before) * 100;
  return `${points >= 0 ? '+' : ''}${points.toFixed(2)} pt`;
}

function shortSha(sha: string | null): string {
  return sha === null ? '–' : sha.slice(0, 10);
}

function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

function value(metric: HistoryCheckMetric, v: number): string {
  switch (metric) {
    case 'errorRate':
      return `${(v * 100).toFixed(2)}%`;
    case 'rps':
      return `${fmtValue(v)} req/s`;
    case 'mttrSec':
    case 'ttdSec':
      return `${v.toFixed(2)} s`;
    default:
      return `${fmtValue(v)} ms`;
  }
}
