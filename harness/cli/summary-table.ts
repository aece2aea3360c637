import type { Stats } from '../contract/stats.ts';
import type { RunResult } from '../contract/run-result.ts';
import { classCount, okCount, outcomeClasses, outcomeLatency } from '../report/outcome-facts.ts';

/**
 * The per-request table printed after a run: count, rps, OK and KO, dropped, latency of the OK
 * requests and KO latency apart (docs/outcomes.md); then every request's outcome by status class
 * and failure kind.
 */
export function formatSummaryTable(result: Pick<RunResult, 'requests' | 'totals'>): string {
  const all = [...Object.values(result.requests), result.totals];
  const okOnly = all.every((s) => outcomeLatency(s).scope === 'ok');
  const lat = okOnly ? 'ok ' : '';
  const header = ['request', 'count', 'rps', 'ok', 'ko', 'ko%', 'dropped', `${lat}p50 ms`, `${lat}p95 ms`, `${lat}p99 ms`, `${lat}max ms`, ...(okOnly ? ['ko p95 ms'] : [])];
  const rows = Object.entries(result.requests).map(([name, s]) => row(name, s, okOnly));
  rows.push(row('TOTAL', result.totals, okOnly));
  const parts = [table([header, ...rows])];
  // A result written before OK/KO latency existed: its latency is every request's, and the header says so by leaving "ok" out.
  const classes = outcomeClasses(all);
  if (classes.length > 0) {
    const outcomeRows = [...Object.entries(result.requests), ['TOTAL', result.totals] as const].map(([name, s]) => [name, ...classes.map((c) => String(classCount(s, c)))]);
    parts.push(table([['outcome', ...classes], ...outcomeRows]));
  }
  return parts.join('\n\n');
}

function row(name: string, s: Stats, okOnly: boolean): string[] {
  const { ok, ko } = outcomeLatency(s);
  return [
    name,
    String(s.requests),
    s.rps.toFixed(1),
    String(okCount(s)),
    String(s.errors),
    (s.errorRate * 100).toFixed(2),
    String(s.droppedIterations),
    ms(ok?.p50),
    ms(ok?.p95),
    ms(ok?.p99),
    ms(ok?.max),
    ...(okOnly ? [ms(ko?.p95)] : []),
  ];
}

function ms(v: number | undefined): string {
  if (v === undefined) return '—';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const sep = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}
