import type { RunResult } from '../contract/run-result.ts';
import { formatCount } from './format-value.ts';
import { classCount, failureWindowLine, okCount, outcomeClasses, outcomeLatency } from './outcome-facts.ts';

/**
 * What JUnit carries of the run's outcomes (docs/outcomes.md): suite properties a CI system can
 * read (identity, OK and KO counts, every status class and failure kind) and a suite-level
 * system-out with the same per request and the stretches of failure. Never a `<failure>`: failed
 * requests fail the run only through a threshold or another gate, which have their own testcases.
 */
export function outcomeProperties(r: RunResult): Array<[string, string]> {
  const t = r.totals;
  const { ok, ko } = outcomeLatency(t);
  const props: Array<[string, string]> = [
    ['seed', r.seed === undefined ? '' : String(r.seed)],
    ['gitSha', r.gitSha ?? ''],
    ['stresslabVersion', r.environment.fingerprint.harnessVersion],
    ['requests', String(t.requests)],
    ['requests.ok', String(okCount(t))],
    ['requests.ko', String(t.errors)],
    ['requests.koRate', String(t.errorRate)],
    ['latency.ok.p50Ms', ok === null ? '' : String(ok.p50)],
    ['latency.ok.p95Ms', ok === null ? '' : String(ok.p95)],
    ['latency.ok.p99Ms', ok === null ? '' : String(ok.p99)],
    ['latency.ko.p95Ms', ko === null ? '' : String(ko.p95)],
    ['droppedIterations', String(t.droppedIterations)],
  ];
  for (const cls of outcomeClasses([t])) props.push([`outcome.${cls}`, String(classCount(t, cls))]);
  return props;
}

/** Per request: OK, KO and outcome classes; then when requests failed. */
export function outcomeSystemOut(r: RunResult): string {
  const names = Object.keys(r.requests).sort();
  const all = [...names.map((n) => r.requests[n]!), r.totals];
  const classes = outcomeClasses(all);
  const line = (name: string, s: RunResult['totals']): string => {
    const outcomes = classes.map((c) => `${c} ${formatCount(classCount(s, c))}`).join(', ');
    return `${name}: ${formatCount(s.requests)} requests, ${formatCount(okCount(s))} OK, ${formatCount(s.errors)} KO${outcomes === '' ? '' : ` (${outcomes})`}`;
  };
  const lines = [...names.map((n) => line(n, r.requests[n]!)), line('total', r.totals)];
  const windows = r.failureWindows?.windows ?? [];
  if (windows.length > 0) lines.push('when requests failed:', ...windows.map((w) => `  ${failureWindowLine(w)}`));
  if ((r.failureWindows?.omitted ?? 0) > 0) lines.push(`  (${formatCount(r.failureWindows?.omitted ?? 0)} shorter stretches left out)`);
  return lines.join('\n');
}
