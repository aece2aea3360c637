import { defaultAnalysisParameters } from '../../../harness/baseline/analysis-defaults.ts';
import { baselineMetrics } from '../../../harness/baseline/baseline-metrics.ts';
import type { Baseline } from '../../../harness/baseline/baseline-schema.ts';
import type { RunResult } from '../../../harness/contract/run-result.ts';
import type { Stats } from '../../../harness/contract/stats.ts';

export function stats(requests: number, p95: number, errors = 0): Stats {
  return {
    requests,
    errors,
    errorRate: requests > 0 ? errors / requests : 0,
    rps: requests / 60,
    droppedIterations: 0,
    statusCounts: { '2xx': requests - errors, '5xx': errors },
    errorKinds: { timeout: 0, refused: 0, reset: 0, other: 0 },
    latencyMs: { p50: p95 / 2, p90: p95 * 0.9, p95, p99: p95 * 1.5, p999: p95 * 2, max: p95 * 3, mean: p95 / 2, min: 1 },
  };
}

/** A small but complete result.json, as the runner would write it. */
export function runResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    schemaVersion: 1,
    source: 'stresslab',
    runId: 'run-1',
    scenario: { name: 'light', file: 'scenarios/light.json', hash: 'sha256:abc', profile: 'quick' },
    target: { url: 'http://127.0.0.1:3000', embedded: true },
    environment: {
      name: 'local',
      fingerprint: { cpuModel: 'test cpu', cores: 2, memBytes: 4e9, os: 'linux', node: 'v20', harnessVersion: '0.1.0' },
      fingerprintHash: 'fp-1',
    },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:01:00.000Z',
    verdict: 'pass',
    reasons: [],
    warnings: [],
    totals: stats(6000, 40, 6),
    requests: { validate: stats(4000, 50, 4), execute: stats(2000, 20, 2) },
    phases: [],
    faults: [
      { name: 'db-down#1', kind: 'db-down', injectedAtMs: 20_000, removedAtMs: 30_000, detectedAtMs: 20_000, recoveredAtMs: 33_000, ttdSec: 0, ttrSec: 3, recovered: true },
      { name: 'db-down#2', kind: 'db-down', injectedAtMs: 40_000, removedAtMs: 45_000, detectedAtMs: 41_000, recoveredAtMs: 46_000, ttdSec: 1, ttrSec: 1, recovered: true },
    ],
    recovery: { mttrSec: 2, medianTtrSec: 2, maxTtrSec: 3, notRecovered: 0, probe: { mttrSec: 1.5 } },
    resources: {
      host: null,
      target: { cpuPercent: { mean: 40, p95: 70, max: 85 }, rssBytes: { mean: 90e6, max: 120e6, slopeBytesPerHour: null }, leak: 'n/a' },
      harness: null,
    },
    integrity: { status: 'complete', reason: null, accepted: 2000, terminal: 2000, lost: 0, stuck: 0, duplicated: 0 },
    thresholds: [],
    regressions: [],
    ...overrides,
  };
}

/** A valid baseline file of `runs` copies of runResult()'s metrics. */
export function baselineOf(runs = 3): Baseline {
  const r = runResult();
  return {
    schemaVersion: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    harnessVersion: '0.1.0',
    scenario: { name: r.scenario.name, hash: r.scenario.hash },
    environment: r.environment,
    analysis: defaultAnalysisParameters(),
    runs: Array.from({ length: runs }, (_, i) => ({ runId: `run-${i}`, startedAt: r.startedAt, fingerprintHash: 'fp-1', ...baselineMetrics(r) })),
  };
}
