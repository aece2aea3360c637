import type { Stats } from '../contract/stats.ts';
import type { RunResult } from '../contract/run-result.ts';

/** The per-request table printed after a run: count, rps, errors, p50/p95/p99/max. */
export function formatSummaryTable(result: Pick<RunResult, 'requests' | 'totals'>): string {
  const header = ['request', 'count', 'rps', 'errors', 'err%', 'dropped', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
  const rows = Object.entries(result.requests).map(([name, s]) => row(name, s));
  rows.push(row('TOTAL', result.totals));
  return table([header, ...rows]);
}

function row(name: string, s: Stats): string[] {
  return [
    name,
    String(s.requests),
    s.rps.toFixed(1),
    String(s.errors),
    (s.errorRate * 100).toFixed(2),
    String(s.droppedIterations),
    ms(s.latencyMs.p50),
    ms(s.latencyMs.p95),
    ms(s.latencyMs.p99),
    ms(s.latencyMs.max),
  ];
}

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const sep = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}
