import type { FailureWindow } from '../contract/failure-window.ts';
import type { RunResult } from '../contract/run-result.ts';
import { ERROR_KINDS, type ErrorKinds, type LatencySummaryMs, type Stats } from '../contract/stats.ts';
import { formatClock, formatCount, formatRatioPct, formatRps } from './format-value.ts';

/**
 * The facts every renderer shows about OK and KO requests (docs/outcomes.md), in one place so the
 * CLI, Markdown, HTML and JUnit say the same: OK = a response with an expected status; KO = a
 * transport failure or an unexpected status.
 */

export interface OutcomeLatency {
  /** OK latency; for results written before it existed, every request's, and `scope` says so. */
  ok: LatencySummaryMs | null;
  ko: LatencySummaryMs | null;
  scope: 'ok' | 'all';
}

export function outcomeLatency(s: Stats): OutcomeLatency {
  if (s.okLatencyMs === undefined) return { ok: s.requests === 0 ? null : s.latencyMs, ko: null, scope: 'all' };
  return { ok: s.okLatencyMs, ko: s.koLatencyMs ?? null, scope: 'ok' };
}

/** Said under a table whose latency is every request's (a result written before OK and KO were told apart, a k6 import). */
export const ALL_LATENCY_NOTE = 'This result does not hold the latency of OK requests apart (written before it did, or imported from k6): '
  + 'the latency columns include failed requests.';

export function okCount(s: Pick<Stats, 'requests' | 'errors'>): number {
  return s.requests - s.errors;
}

/** KO that got a response: an unexpected status (KO minus the transport failures). */
export function unexpectedStatusCount(s: { errors: number; errorKinds: ErrorKinds }): number {
  return Math.max(0, s.errors - ERROR_KINDS.reduce((n, k) => n + s.errorKinds[k], 0));
}

/** Status classes in order ("2xx" … "5xx", others after), then the transport failure kinds: the columns of an outcome table. */
export function outcomeClasses(stats: ReadonlyArray<{ statusCounts: Record<string, number>; errorKinds: ErrorKinds }>): string[] {
  const classes = new Set<string>();
  for (const s of stats) for (const [cls, n] of Object.entries(s.statusCounts)) if (n > 0) classes.add(cls);
  const kinds = ERROR_KINDS.filter((k) => stats.some((s) => s.errorKinds[k] > 0));
  return [...[...classes].sort(), ...kinds];
}

/** How many requests ended in `cls` (a status class or a transport failure kind). */
export function classCount(s: { statusCounts: Record<string, number>; errorKinds: ErrorKinds }, cls: string): number {
  return (ERROR_KINDS as readonly string[]).includes(cls) ? s.errorKinds[cls as keyof ErrorKinds] : (s.statusCounts[cls] ?? 0);
}

/** "refused 740, 5xx 10": what the window's (or the run's) failures were, largest first. */
export function failureBreakdown(s: { errors: number; statusCounts: Record<string, number>; errorKinds: ErrorKinds }): string {
  const parts: Array<[string, number]> = ERROR_KINDS.map((k) => [k, s.errorKinds[k]]);
  const bad = unexpectedStatusCount(s);
  if (bad > 0) {
    // The classes of unexpected statuses are not recorded apart; non-2xx classes are named as the likely ones.
    const nonOk = Object.entries(s.statusCounts).filter(([cls, n]) => cls !== '2xx' && n > 0).map(([cls]) => cls).sort();
    parts.push([`unexpected status${nonOk.length > 0 ? ` (${nonOk.join('/')} seen)` : ''}`, bad]);
  }
  return parts.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${formatCount(n)}`).join(', ');
}

/** One failure window in a line: "1:00–1:15 (15 s): 750 of 752 KO (99.73%): refused 750 · during db-partition". */
export function failureWindowLine(w: FailureWindow): string {
  const sec = Math.round((w.toMs - w.fromMs) / 1000);
  const during = w.faults.length === 0 ? '' : ` · during ${w.faults.join(', ')}`;
  return `${formatClock(w.fromMs)}–${formatClock(w.toMs)} (${sec} s): ${formatCount(w.errors)} of ${formatCount(w.requests)} KO `
    + `(${formatRatioPct(w.requests === 0 ? 0 : w.errors / w.requests)}), peak ${formatCount(w.peakErrorsPerSec)}/s: ${failureBreakdown(w)}${during}`;
}

/** The run's identity for every report header: seed, commit and tool version, each only when known. */
export function runIdentity(r: Pick<RunResult, 'seed' | 'gitSha' | 'environment'>): Array<[string, string]> {
  const facts: Array<[string, string]> = [];
  if (r.seed !== undefined) facts.push(['seed', String(r.seed)]);
  facts.push(['git', r.gitSha === undefined ? 'unknown' : r.gitSha.slice(0, 12)]);
  facts.push(['stresslab', r.environment.fingerprint.harnessVersion]);
  return facts;
}

/** `runIdentity` as one line: "seed 42 · git 1a2b3c4d5e6f · stresslab 0.4.0". */
export function runIdentityLine(r: Pick<RunResult, 'seed' | 'gitSha' | 'environment'>): string {
  return runIdentity(r).map(([k, v]) => `${k} ${v}`).join(' · ');
}

/**
 * "Throughput: 196.9 OK/s and 3.1 KO/s over the run; most KO in one second: 58 (2:00–2:56)": the
 * OK/KO split of `rps` (the run's mean), and the worst second of the failure windows.
 */
export function throughputLine(r: Pick<RunResult, 'totals' | 'failureWindows'>): string {
  const t = r.totals;
  const okRps = t.requests === 0 ? 0 : (t.rps * okCount(t)) / t.requests;
  const koRps = t.requests === 0 ? 0 : (t.rps * t.errors) / t.requests;
  let worst: FailureWindow | null = null;
  for (const w of r.failureWindows?.windows ?? []) if (worst === null || w.peakErrorsPerSec > worst.peakErrorsPerSec) worst = w;
  const peak = worst === null ? '' : `; most KO in one second: ${formatCount(worst.peakErrorsPerSec)} (${formatClock(worst.fromMs)}–${formatClock(worst.toMs)})`;
  return `Throughput: ${formatRps(okRps)} OK/s and ${formatRps(koRps)} KO/s over the run${peak}.`;
}
