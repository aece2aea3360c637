import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeChaos } from '../../../harness/analysis/chaos-analysis.ts';
import type { ChaosAnalysisInput } from '../../../harness/analysis/chaos-analysis.ts';
import { timelineAggregates } from '../../../harness/analysis/timeline-aggregates.ts';
import { fixtureSettings, loadFixtureRecord } from '../../fixtures/run-record/load-run-record.ts';

/** The chaos analysis's input as analyzeRun builds it, from the recorded stall-chaos run. */
let input: ChaosAnalysisInput;
beforeAll(async () => {
  const record = await loadFixtureRecord('stall-chaos');
  const settings = await fixtureSettings('stall-chaos');
  input = {
    series: timelineAggregates(record.timeline).series,
    injections: record.meta.faults.map((r) => ({ event: record.meta.plan.faults.find((f) => f.name === r.name)!, injectedAtMs: r.injectedAtMs, removedAtMs: r.removedAtMs, error: r.error })),
    probes: record.timeline.probes,
    probeIntervalMs: record.meta.probeIntervalMs,
    resources: record.timeline.resources,
    integrity: record.meta.audit?.integrity ?? null,
    recovery: settings.recovery,
    openModel: true,
  };
});

describe('analyzeChaos on the recorded stall-chaos run', () => {
  it('sees the partition in the traffic it recovers from', () => {
    // the ground truth in the recorded series: every request failed while the proxy was disabled
    const partitioned = input.series.filter((p) => p.t >= 25 && p.t <= 27);
    expect(partitioned.every((p) => p.requests > 0 && p.errors === p.requests)).toBe(true);
    const out = analyzeChaos(input);
    expect(out.steadyState).toEqual({ valid: true, reason: null });
    const partition = out.faults.find((f) => f.name === 'net-partition#1');
    // detected at once (clamped to the injection), recovered in the first second after removal that starts 3 healthy ones
    expect(partition).toMatchObject({ detectedAtMs: partition?.injectedAtMs, ttdSec: 0, recoveredAtMs: 29_000, ttrSec: 0.991, recovered: true });
    expect(out.scalars.mttr_seconds).toEqual([0, 0.991]);
    expect(out.scalars.ttd_seconds).toEqual([0, 0]);
    expect(out.scalars.lost_executions).toBe(0);
    expect(out.reasons).toEqual([]);
  });

  it('the harness freeze at 38–41 s, after the observation windows, changes no recovery', () => {
    const stalled = input.series.filter((p) => p.t >= 39 && p.t <= 42);
    expect(stalled.some((p) => (p.p95Ms ?? 0) > 1000 || p.droppedIterations > 0)).toBe(true);
    const withoutStall = analyzeChaos({ ...input, series: input.series.filter((p) => p.t < 38) });
    expect(analyzeChaos(input).faults).toEqual(withoutStall.faults);
  });

  it('the health probe recovered within one period; it missed the latency fault that traffic saw', () => {
    const out = analyzeChaos(input);
    expect(out.recovery.probe.mttrSec).toBe(0.009);
    expect(out.warnings).toContain('the health probe stayed green while traffic failed during net-latency#1: a monitoring blind spot');
  });

  it('a fault whose injection failed is a reason, not an outage', () => {
    const failed = input.injections.map((r, i) => (i === 1 ? { ...r, injectedAtMs: null, removedAtMs: null, error: 'proxy api not found' } : r));
    const out = analyzeChaos({ ...input, injections: failed });
    expect(out.faults.map((f) => f.name)).toEqual(['net-latency#1']);
    expect(out.reasons).toEqual(['fault net-partition#1 (net-partition) failed: proxy api not found']);
  });

  it('resources: CPU and memory of host, target and harness from the 1 Hz samples', () => {
    const out = analyzeChaos(input);
    for (const source of ['host', 'target', 'harness'] as const) {
      const r = out.resources[source];
      expect(r, source).not.toBeNull();
      expect(r!.rssBytes.max).toBeGreaterThanOrEqual(r!.rssBytes.mean);
      expect(r!.cpuPercent.max).toBeGreaterThanOrEqual(r!.cpuPercent.p95);
    }
    const targetRss = input.resources.flatMap((s) => (s.target ? [s.target.rssBytes] : []));
    expect(out.resources.target?.rssBytes.max).toBe(Math.max(...targetRss));
  });
});
