import { describe, expect, it } from 'vitest';
import type { ConstantArrivalRatePhase, LoadPhasePlan } from '../../../harness/contract/plan-types.ts';
import { defaultSegmentCount, peakArrivalRate, RATE_PER_LOAD_THREAD } from '../../../harness/run/segment-count.ts';

const constant = (ratePerSec: number): ConstantArrivalRatePhase => ({ executor: 'constant-arrival-rate', name: `c${ratePerSec}`, startMs: 0, durationMs: 1000, gracefulStopMs: 0, ratePerSec, preAllocatedVUs: 1, maxVUs: 1000 });
const ramping = (startRatePerSec: number, targets: number[]): LoadPhasePlan => ({
  executor: 'ramping-arrival-rate', name: 'r', startMs: 0, durationMs: 1000, gracefulStopMs: 0, startRatePerSec, preAllocatedVUs: 1, maxVUs: 1000,
  stages: targets.map((target) => ({ target, durationMs: 1000 })),
});
const closed: LoadPhasePlan = { executor: 'constant-vus', name: 'v', startMs: 0, durationMs: 1000, gracefulStopMs: 0, vus: 500 };

describe('default load threads', () => {
  it('take the peak arrival rate over every phase and stage; closed-model phases count 0', () => {
    expect(peakArrivalRate([constant(50), ramping(10, [900, 30_000, 0]), closed])).toBe(30_000);
    expect(peakArrivalRate([ramping(7000, [0])])).toBe(7000);
    expect(peakArrivalRate([closed])).toBe(0);
  });

  it('one thread (the main one) until the rate needs more; then one per needed thread, at most one per core', () => {
    expect(defaultSegmentCount([constant(50)], false, 16)).toBe(1);
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD)], false, 16)).toBe(1);
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD + 1)], false, 16)).toBe(2);
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD * 5)], false, 16)).toBe(5);
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD * 100)], false, 16)).toBe(16);
    expect(defaultSegmentCount([closed], false, 16)).toBe(1);
    // The segments share maxVUs: no thread without a VU.
    expect(defaultSegmentCount([{ ...constant(RATE_PER_LOAD_THREAD * 10), maxVUs: 3 }], false, 16)).toBe(3);
  });

  it('leave a core to a target on this machine, never going below one thread', () => {
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD * 100)], true, 16)).toBe(15);
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD * 100)], true, 2)).toBe(1);
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD * 100)], false, 2)).toBe(2);
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD * 100)], true, 1)).toBe(1);
  });

  it('a part of a load (--segment i/N) counts its own share of the rate and of maxVUs', () => {
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD * 4)], false, 16, 4)).toBe(1);
    expect(defaultSegmentCount([constant(RATE_PER_LOAD_THREAD * 8)], false, 16, 2)).toBe(4);
    expect(defaultSegmentCount([{ ...constant(RATE_PER_LOAD_THREAD * 8), maxVUs: 6 }], false, 16, 2)).toBe(3);
  });
});
