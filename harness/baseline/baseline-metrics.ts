import type { RunResult } from '../contract/run-result.ts';
import type { Stats } from '../contract/stats.ts';
import { metricKey } from '../analysis/gate-metrics.ts';
import { cpuMsPerRequest } from '../analysis/resource-summary.ts';
import type { MetricBase } from '../analysis/gate-metrics.ts';
import type { MetricRun } from '../analysis/regression-compare.ts';

/**
 * A run reduced to the flat metric map a baseline stores and the gate compares: latency
 * percentiles, throughput and error rate overall and per request name; MTTR and mean TTD when the
 * run had faults; peak target RSS and CPU, and the target's CPU time per request, when the target
 * was sampled. Each value comes with its sample count (requests, injections) so the gate can refuse
 * values with too few samples.
 * Resource peaks have no count in the result contract, so theirs is omitted (= accepted). The
 * machine calibration (when the target was local) is the covariate the gate corrects latency for.
 */
export function baselineMetrics(result: RunResult): MetricRun {
  const metrics: Record<string, number | null> = {};
  const samples: Record<string, number> = {};
  const put = (base: MetricBase, request: string | undefined, value: number | null, n?: number): void => {
    const key = metricKey(base, request);
    metrics[key] = value;
    if (n !== undefined) samples[key] = n;
  };
  // A saturated generator's latency holds its own delay (generator-health.ts): not the target's, so
  // not a value to compare; the run's other metrics stand, and other runs' latency still counts.
  const latencyTrusted = result.generatorSaturated !== true;
  const traffic = (stats: Stats, request?: string): void => {
    const has = stats.requests > 0;
    const latency = has && latencyTrusted;
    put('p50Ms', request, latency ? stats.latencyMs.p50 : null, stats.requests);
    put('p95Ms', request, latency ? stats.latencyMs.p95 : null, stats.requests);
    put('p99Ms', request, latency ? stats.latencyMs.p99 : null, stats.requests);
    put('rps', request, stats.rps, stats.requests);
    put('errorRate', request, has ? stats.errorRate : null, stats.requests);
  };
  traffic(result.totals);
  for (const [name, stats] of Object.entries(result.requests)) traffic(stats, name);
  if (result.faults.length > 0) {
    put('mttrSec', undefined, result.recovery.mttrSec, result.faults.filter((f) => f.recovered).length);
    const ttds = result.faults.flatMap((f) => (f.ttdSec === null ? [] : [f.ttdSec]));
    put('ttdSec', undefined, ttds.length > 0 ? ttds.reduce((a, b) => a + b, 0) / ttds.length : null, ttds.length);
  }
  const target = result.resources.target;
  if (target !== null) {
    put('targetPeakRssBytes', undefined, target.rssBytes.max);
    put('targetPeakCpuPercent', undefined, target.cpuPercent.max);
    const cpuPerRequest = cpuMsPerRequest(target, result.totals.requests);
    if (cpuPerRequest !== null) put('targetCpuMsPerRequest', undefined, cpuPerRequest, result.totals.requests);
  }
  const calibration = result.environment.calibration;
  if (calibration) put('calibrationUs', undefined, calibration.unitCpuUs, calibration.samples);
  return { metrics, samples };
}
