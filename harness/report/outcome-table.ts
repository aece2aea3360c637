import type { RunResult } from '../contract/run-result.ts';
import type { Stats } from '../contract/stats.ts';
import { formatCount, formatMs, formatRatioPct, formatRps } from './format-value.ts';
import { classCount, okCount, outcomeClasses, outcomeLatency } from './outcome-facts.ts';

/**
 * The request tables of the Markdown and HTML reports as plain cells (docs/outcomes.md): counts
 * as OK and KO, latency of OK requests, KO latency apart; then every request's outcome by status
 * class and failure kind. The renderers only escape and lay them out.
 */

export const STATS_HEADERS = ['count', 'rps', 'OK', 'KO', 'KO %', 'OK p50', 'OK p95', 'OK p99', 'OK max', 'KO p95'] as const;

export function statsCells(s: Stats): string[] {
  const { ok, ko } = outcomeLatency(s);
  return [
    formatCount(s.requests), formatRps(s.rps), formatCount(okCount(s)), formatCount(s.errors), formatRatioPct(s.errorRate),
    formatMs(ok?.p50), formatMs(ok?.p95), formatMs(ok?.p99), formatMs(ok?.max), formatMs(ko?.p95),
  ];
}

/** Whether any of the tables' stats predate OK/KO latency (their latency columns are every request's). */
export function latencyIsAll(r: RunResult): boolean {
  return [r.totals, ...Object.values(r.requests), ...r.phases.map((p) => p.stats)].some((s) => outcomeLatency(s).scope === 'all');
}

export interface OutcomeTable {
  headers: string[];
  rows: Array<{ name: string; cells: string[]; total: boolean }>;
}

/** Requests by outcome: one column per status class and failure kind that occurred. */
export function outcomeTable(r: RunResult): OutcomeTable | null {
  const names = Object.keys(r.requests).sort();
  const all = [...names.map((n) => r.requests[n] as Stats), r.totals];
  const classes = outcomeClasses(all);
  if (classes.length === 0) return null;
  const row = (name: string, s: Stats, total: boolean) => ({ name, total, cells: classes.map((c) => formatCount(classCount(s, c))) });
  return { headers: ['request', ...classes], rows: [...names.map((n) => row(n, r.requests[n] as Stats, false)), row('total', r.totals, true)] };
}

/** Said under the outcome table: what KO means, so a 4xx column is not read as failures by itself. */
export const OUTCOME_NOTE = 'OK: a response with an expected status. KO: no response (timeout, refused, reset, other) or an unexpected status. '
  + 'Status classes count every response, expected or not; latency of KO requests is shown apart, and requests without a response have none.';
