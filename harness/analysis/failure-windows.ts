import { emptyErrorKinds, ERROR_KINDS } from '../contract/stats.ts';
import type { FailureWindow, FailureWindows } from '../contract/failure-window.ts';
import type { SecondPoint } from '../contract/second-point.ts';

/** Clean seconds a window may span before it ends: a failure every other second is one stretch, not many. */
export const FAILURE_WINDOW_GAP_SEC = 2;
/** Windows kept in result.json: the ones with most failures; the rest are counted. */
export const MAX_FAILURE_WINDOWS = 20;

interface FaultSpan {
  name: string;
  injectedAtMs: number;
  removedAtMs: number;
}

/**
 * When requests failed, how many and how (docs/outcomes.md): the per-second series folded into
 * stretches of failure, each with its outcome classes and the faults active in it, so the text
 * reports (CLI, Markdown, JUnit) can say per stretch of time what the charts show per second. Pure.
 */
export function failureWindows(series: readonly SecondPoint[], faults: readonly FaultSpan[], max = MAX_FAILURE_WINDOWS): FailureWindows {
  // Index ranges into the series (sorted by t), so a day-long run is walked once, not once per window.
  const spans: Array<{ first: number; last: number }> = [];
  series.forEach((p, i) => {
    if (p.errors === 0) return;
    const open = spans[spans.length - 1];
    if (open !== undefined && p.t - (series[open.last]?.t ?? -Infinity) <= FAILURE_WINDOW_GAP_SEC + 1) open.last = i;
    else spans.push({ first: i, last: i });
  });
  const windows = spans.map((s) => windowOf(series.slice(s.first, s.last + 1), faults));
  const kept = new Set([...windows].sort((a, b) => b.errors - a.errors || a.fromMs - b.fromMs).slice(0, max));
  return { windows: windows.filter((w) => kept.has(w)), omitted: windows.length - kept.size };
}

function windowOf(points: readonly SecondPoint[], faults: readonly FaultSpan[]): FailureWindow {
  const w: FailureWindow = {
    fromMs: (points[0]?.t ?? 0) * 1000, toMs: ((points[points.length - 1]?.t ?? 0) + 1) * 1000, requests: 0, errors: 0,
    statusCounts: {}, errorKinds: emptyErrorKinds(), peakErrorsPerSec: 0, faults: [],
  };
  for (const p of points) {
    w.requests += p.requests;
    w.errors += p.errors;
    w.peakErrorsPerSec = Math.max(w.peakErrorsPerSec, p.errors);
    for (const [cls, n] of Object.entries(p.statusCounts ?? {})) w.statusCounts[cls] = (w.statusCounts[cls] ?? 0) + n;
    for (const k of ERROR_KINDS) w.errorKinds[k] += p.errorKinds?.[k] ?? 0;
  }
  w.faults = faults.filter((f) => f.injectedAtMs < w.toMs && f.removedAtMs > w.fromMs).map((f) => f.name);
  return w;
}
