import type { Plan } from '../contract/plan-types.ts';

/*
 * Measured on `stresslab run light --profile quick` (4 request names, 45 s of load): timeline.jsonl
 * 160 KB in 275 lines: per second one `second` line of ≈ 2,850 B (≈ 710 B per request name: counts,
 * status classes and a compressed HDR histogram), one `resources` line of ≈ 330 B and four probes of
 * ≈ 93 B; reports 79 KB, of which ≈ 51 KB is the fixed charting script of report.html and ≈ 130 B
 * per second its chart data. So: ≈ 3.6 KB per second with 4 request names, plus ≈ 80 KB.
 * The `second` line's sub-second slices (contract/traffic-slices.ts) came later: ≈ 1,000 B per second
 * on the same run (364 req/s, latencies over five doublings), ≈ 350 B at 50 req/s on loopback,
 * ≈ 1,800 B at 10,000 req/s spread over three doublings.
 */
const BASE_BYTES_PER_SEC = 750;
const SLICES_BYTES_PER_SEC = 1000;
const PER_REQUEST_BYTES_PER_SEC = 720;
const REPORT_BYTES_PER_SEC = 150;
const FIXED_BYTES = 128 * 1024;
/** Histograms widen when latency spreads (a fault, a slow target) and faults add events: twice the measurement. */
const MARGIN = 2;

/**
 * Bytes a run of `plan` is expected to write under --out (timeline, record, result, reports,
 * history line), with a margin, for the free-space check before the run starts.
 */
export function expectedOutputBytes(plan: Pick<Plan, 'durationMs'>, requestNames: number, runs = 1): number {
  const seconds = Math.ceil(plan.durationMs / 1000) + 1;
  const perSecond = BASE_BYTES_PER_SEC + SLICES_BYTES_PER_SEC + PER_REQUEST_BYTES_PER_SEC * Math.max(1, requestNames) + REPORT_BYTES_PER_SEC;
  return Math.ceil((seconds * perSecond + FIXED_BYTES) * MARGIN * Math.max(1, runs));
}
