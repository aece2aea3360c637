import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from '../../../harness/load/arrival-schedule.ts';
import type { ConstantArrivalRatePhase, RampingArrivalRatePhase, StagePlan } from '../../../harness/contract/plan-types.ts';

function all(s: ArrivalSchedule): number[] {
  const out: number[] = [];
  for (let t = s.next(); t !== null; t = s.next()) out.push(t);
  return out;
}

const base = { name: 'p', startMs: 0, gracefulStopMs: 0, preAllocatedVUs: 1, maxVUs: 1 };

function constant(ratePerSec: number, durationMs: number): ConstantArrivalRatePhase {
  return { ...base, executor: 'constant-arrival-rate', ratePerSec, durationMs };
}

function ramping(startRatePerSec: number, stages: StagePlan[]): RampingArrivalRatePhase {
  return { ...base, executor: 'ramping-arrival-rate', startRatePerSec, stages, durationMs: stages.reduce((a, s) => a + s.durationMs, 0) };
}

function perSecond(times: readonly number[]): number[] {
  const out: number[] = [];
  for (const t of times) {
    const s = Math.floor(t / 1000);
    out[s] = (out[s] ?? 0) + 1;
  }
  return Array.from(out, (n) => n ?? 0);
}

describe('ArrivalSchedule', () => {
  it('spaces a constant rate evenly, starting at 0, like k6', () => {
    const t = all(new ArrivalSchedule(constant(10, 1000)));
    expect(t.map((x) => Math.round(x))).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(all(new ArrivalSchedule(constant(2000, 10_000)))).toHaveLength(20_000);
  });

  it('follows the area under a linear ramp (no per-second steps)', () => {
    const phase = ramping(0, [
      { target: 100, durationMs: 4000 },
      { target: 100, durationMs: 2000 },
      { target: 0, durationMs: 2000 },
    ]);
    const t = all(new ArrivalSchedule(phase));
    // areas per second: ramp 0→100 over 4 s = 12.5, 37.5, 62.5, 87.5; plateau 100, 100; ramp down 75, 25
    const expected = [12.5, 37.5, 62.5, 87.5, 100, 100, 75, 25];
    const got = perSecond(t);
    expect(got).toHaveLength(expected.length);
    got.forEach((n, i) => expect(Math.abs(n - (expected[i] ?? 0))).toBeLessThanOrEqual(1));
    expect(Math.abs(t.length - ArrivalSchedule.expectedCount(phase))).toBeLessThanOrEqual(1);
    // strictly increasing
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThan(t[i - 1] ?? -1);
  });

  it('sends nothing during a zero-rate stage and resumes after it', () => {
    const t = all(new ArrivalSchedule(ramping(50, [{ target: 50, durationMs: 1000 }, { target: 0, durationMs: 0 }, { target: 0, durationMs: 2000 }, { target: 0, durationMs: 0 }, { target: 20, durationMs: 0 }, { target: 20, durationMs: 1000 }])));
    const got = perSecond(t);
    expect(got).toEqual([50, 0, 0, 20]);
  });
});
