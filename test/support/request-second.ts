import type { RequestSecond } from '../../harness/contract/timeline-types.ts';
import { LatencyHistogram } from '../../harness/metrics/latency-histogram.ts';

/** One request name's second as the recorder writes it: `okMs` succeeded (2xx), `failedMs` timed out. */
export function requestSecond(okMs: readonly number[], failedMs: readonly number[] = []): RequestSecond {
  const all = LatencyHistogram.empty();
  const failed = LatencyHistogram.empty();
  for (const v of okMs) all.recordUs(v * 1000);
  for (const v of failedMs) {
    all.recordUs(v * 1000);
    failed.recordUs(v * 1000);
  }
  const r: RequestSecond = {
    count: okMs.length + failedMs.length,
    errors: failedMs.length,
    statusCounts: okMs.length > 0 ? { '2xx': okMs.length } : {},
    errorKinds: { timeout: failedMs.length, refused: 0, reset: 0, other: 0 },
    bytes: 10 * okMs.length,
    histogram: all.encode(),
  };
  if (failedMs.length > 0) r.errorHistogram = failed.encode();
  return r;
}
