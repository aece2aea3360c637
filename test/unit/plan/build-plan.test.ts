import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../harness/plan/build-plan.ts';
import { formatPlanTable } from '../../../harness/plan/format-plan-table.ts';
import { applyProfile } from '../../../harness/scenario/profiles.ts';
import { scenarioSchema } from '../../../harness/scenario/scenario-schema.ts';
import type { Scenario } from '../../../harness/scenario/scenario-schema.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';

const request = { name: 'r', method: 'GET', path: '/' };

function scenario(load: unknown[], extra: Record<string, unknown> = {}): Scenario {
  return scenarioSchema.parse({ name: 't', description: 'd', target: { url: 'embedded' }, requests: [request], load, ...extra });
}

describe('buildPlan', () => {
  it('lays out every executor with absolute times and per-second rates', () => {
    const s = scenario([
      { executor: 'constant-arrival-rate', rate: 120, timeUnit: '1m', duration: '1m30s', preAllocatedVUs: 5 },
      { executor: 'ramping-arrival-rate', name: 'ramp', startRate: 10, timeUnit: '500ms', startTime: '90s', gracefulStop: '2s', preAllocatedVUs: 2, maxVUs: 9, stages: [{ target: 20, duration: '10s' }, { target: 0, duration: '0s' }] },
      { executor: 'constant-vus', vus: 7, duration: '20s', startTime: '1m40s' },
      { executor: 'ramping-vus', stages: [{ target: 4, duration: '5s' }, { target: 4, duration: '1m' }] },
      { executor: 'shared-iterations', iterations: 100, vus: 3, maxDuration: '45s' },
      { executor: 'per-vu-iterations', iterations: 10 },
    ]);
    const plan = buildPlan(s, { seed: 9, profile: null });
    expect(plan.phases).toEqual([
      { executor: 'constant-arrival-rate', name: 'load[0]', startMs: 0, durationMs: 90_000, gracefulStopMs: 30_000, ratePerSec: 2, preAllocatedVUs: 5, maxVUs: 5 },
      { executor: 'ramping-arrival-rate', name: 'ramp', startMs: 90_000, durationMs: 10_000, gracefulStopMs: 2000, startRatePerSec: 20, stages: [{ target: 40, durationMs: 10_000 }, { target: 0, durationMs: 0 }], preAllocatedVUs: 2, maxVUs: 9 },
      { executor: 'constant-vus', name: 'load[2]', startMs: 100_000, durationMs: 20_000, gracefulStopMs: 30_000, vus: 7 },
      { executor: 'ramping-vus', name: 'load[3]', startMs: 0, durationMs: 65_000, gracefulStopMs: 30_000, startVUs: 1, stages: [{ target: 4, durationMs: 5000 }, { target: 4, durationMs: 60_000 }] },
      { executor: 'shared-iterations', name: 'load[4]', startMs: 0, durationMs: 45_000, gracefulStopMs: 30_000, vus: 3, iterations: 100 },
      { executor: 'per-vu-iterations', name: 'load[5]', startMs: 0, durationMs: 600_000, gracefulStopMs: 30_000, vus: 1, iterations: 10 },
    ]);
    expect(plan.durationMs).toBe(630_000);
    expect(plan).toMatchObject({ scenarioName: 't', seed: 9, profile: null, faults: [] });
  });

  it('expands repeated faults into one event per injection, with the kind parameters', () => {
    const s = scenario([{ executor: 'constant-vus', vus: 1, duration: '10m' }], {
      faults: [
        { kind: 'db-latency', at: '1m', duration: '30s', every: '2m', times: 3, latencyMs: 200 },
        { kind: 'cpu-hog', name: 'hog', at: '30s', duration: '1m', every: '3m' },
      ],
    });
    const plan = buildPlan(s, { seed: 1, profile: null });
    expect(plan.faults.map((f) => [f.name, f.injectAtMs, f.removeAtMs])).toEqual([
      ['hog#1', 30_000, 90_000],
      ['db-latency#1', 60_000, 90_000],
      ['db-latency#2', 180_000, 210_000],
      ['hog#2', 210_000, 270_000],
      ['db-latency#3', 300_000, 330_000],
      ['hog#3', 390_000, 450_000],
    ]);
    const first = plan.faults.find((f) => f.name === 'db-latency#1');
    expect(first).toMatchObject({ kind: 'db-latency', injection: 1, params: { latencyMs: 200, jitterMs: 0, proxy: 'db', stream: 'downstream' } });
    expect(first?.params).not.toHaveProperty('at');
  });

  it('rejects faults outside the load window and overlapping repeats with paths', () => {
    const s = scenario([{ executor: 'constant-vus', vus: 1, duration: '1m' }], {
      faults: [
        { kind: 'db-down', at: '50s', duration: '20s' },
        { kind: 'net-partition', at: '1s', duration: '10s', every: '10s' },
        { kind: 'db-timeout', at: '1s', duration: '10s', every: '20s', times: 4 },
      ],
    });
    let e: unknown = null;
    try {
      buildPlan(s, { seed: 1, profile: null });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(StresslabError);
    if (!(e instanceof StresslabError)) return;
    expect(e.code).toBe('BAD_SCENARIO');
    expect(e.problems.map((p) => p.path)).toEqual(['faults[0].at', 'faults[1].every', 'faults[2].times']);
  });

  it('the quick profile scales durations, start times, rates, VUs and fault times', () => {
    const s = scenario(
      [
        { executor: 'constant-arrival-rate', rate: 100, duration: '10m', preAllocatedVUs: 20, maxVUs: 50 },
        { executor: 'constant-vus', vus: 40, duration: '5m', startTime: '10m' },
      ],
      { faults: [{ kind: 'cpu-hog', at: '2m', duration: '1m', every: '3m', times: 2 }], profiles: { quick: { scale: { duration: 0.1, rate: 0.5, vus: 0.25 } } } },
    );
    const quick = applyProfile(s, s.profiles?.quick ?? {}, { recoveryWritten: false });
    const plan = buildPlan(quick, { seed: 1, profile: 'quick' });
    expect(plan.phases[0]).toMatchObject({ durationMs: 60_000, ratePerSec: 50, preAllocatedVUs: 10, maxVUs: 25 });
    expect(plan.phases[1]).toMatchObject({ startMs: 60_000, durationMs: 30_000, vus: 10 });
    expect(plan.faults.map((f) => [f.injectAtMs, f.removeAtMs])).toEqual([
      [12_000, 18_000],
      [30_000, 36_000],
    ]);
    expect(applyProfile(s, {}, { recoveryWritten: false })).toEqual(s);
  });

  it('formats a plan table with phases and faults', () => {
    const s = scenario([{ executor: 'constant-arrival-rate', name: 'steady', rate: 50, duration: '2m', preAllocatedVUs: 5 }], {
      faults: [{ kind: 'net-latency', at: '30s', duration: '15s', latencyMs: 300 }],
    });
    const text = formatPlanTable(buildPlan(s, { seed: 3, profile: 'quick' }));
    expect(text).toMatch(/^t \(profile quick\): 2m30s/);
    expect(text).toMatch(/steady\s+0:00\.0\s+2:00\.0\s+constant-arrival-rate\s+50 req\/s, VUs 5–5/);
    expect(text).toMatch(/net-latency#1\s+net-latency\s+0:30\.0\s+0:45\.0\s+\+300 ms latency on proxy api \(downstream\)/);
  });
});

describe('phaseRequestNames', async () => {
  const { phaseRequestNames } = await import('../../../harness/scenario/phase-requests.ts');
  it('gives a phase its request subset, all requests by default', () => {
    const s = scenarioSchema.parse({
      name: 't',
      description: 'd',
      target: { url: 'embedded' },
      requests: [request, { ...request, name: 'q' }],
      load: [{ executor: 'constant-vus', vus: 1, duration: '1s' }, { executor: 'constant-vus', name: 'only-q', vus: 1, duration: '1s', requests: ['q'] }],
    });
    expect(phaseRequestNames(s, 'load[0]')).toEqual(['r', 'q']);
    expect(phaseRequestNames(s, 'only-q')).toEqual(['q']);
    expect(phaseRequestNames(s, 'nope')).toBeNull();
  });
});
