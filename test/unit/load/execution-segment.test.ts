import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from '../../../harness/load/arrival-schedule.ts';
import { parseSegment, segmentLabel, segmentShare, subSegment } from '../../../harness/load/execution-segment.ts';
import type { ConstantArrivalRatePhase, RampingArrivalRatePhase } from '../../../harness/contract/plan-types.ts';

const base = { name: 'p', startMs: 0, gracefulStopMs: 0, preAllocatedVUs: 1, maxVUs: 1 };

function all(s: ArrivalSchedule): number[] {
  const out: number[] = [];
  for (let t = s.next(); t !== null; t = s.next()) out.push(t);
  return out;
}

const constant = fc.record({ ratePerSec: fc.integer({ min: 1, max: 3000 }), durationMs: fc.integer({ min: 1, max: 5000 }) }).map(
  (p): ConstantArrivalRatePhase => ({ ...base, executor: 'constant-arrival-rate', ...p }),
);
const ramping = fc
  .record({
    startRatePerSec: fc.integer({ min: 0, max: 2000 }),
    stages: fc.array(fc.record({ durationMs: fc.integer({ min: 0, max: 3000 }), target: fc.integer({ min: 0, max: 2000 }) }), { minLength: 1, maxLength: 5 }),
  })
  .map((p): RampingArrivalRatePhase => ({ ...base, executor: 'ramping-arrival-rate', ...p, durationMs: p.stages.reduce((a, s) => a + s.durationMs, 0) }));

describe('execution segments', () => {
  it('N segments of any constant or ramping schedule partition its arrivals exactly: each at its time, none twice, none lost', () => {
    fc.assert(
      fc.property(fc.oneof(constant, ramping), fc.integer({ min: 1, max: 7 }), (phase, n) => {
        const whole = all(new ArrivalSchedule(phase));
        const parts = Array.from({ length: n }, (_, index) => all(new ArrivalSchedule(phase, { index, count: n })));
        expect(parts.reduce((a, p) => a + p.length, 0)).toBe(whole.length);
        // Arrival k is segment k mod n's: interleaving the parts gives the whole schedule back, time for time.
        const merged = whole.map((_, k) => parts[k % n]?.[Math.floor(k / n)]);
        expect(merged).toEqual(whole);
        // Each part is spread over the whole phase, not a slice of it in time.
        for (const p of parts) expect(p.length).toBeGreaterThanOrEqual(Math.floor(whole.length / n));
      }),
      { numRuns: 300 },
    );
  });

  it('VUs and iterations are shared out so the parts sum to the whole and differ by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 64 }), (total, n) => {
        const shares = Array.from({ length: n }, (_, index) => segmentShare(total, { index, count: n }));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('a part (--segment p/N) split again into W load threads: the N·W sub-segments still partition the schedule, each inside its part', () => {
    fc.assert(
      fc.property(fc.oneof(constant, ramping), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (phase, n, w) => {
        const whole = all(new ArrivalSchedule(phase));
        for (let p = 0; p < n; p++) {
          const part = all(new ArrivalSchedule(phase, { index: p, count: n }));
          const threads = Array.from({ length: w }, (_, t) => all(new ArrivalSchedule(phase, subSegment({ index: p, count: n }, t, w))));
          // The threads interleaved are the part, time for time (its j-th arrival is thread j mod W's).
          expect(part.map((_, j) => threads[j % w]?.[Math.floor(j / w)])).toEqual(part);
        }
        const every = Array.from({ length: n * w }, (_, i) => all(new ArrivalSchedule(phase, { index: i, count: n * w })));
        expect(every.reduce((a, x) => a + x.length, 0)).toBe(whole.length);
        // VUs: the parts' threads' shares sum to the whole.
        let vus = 0;
        for (let p = 0; p < n; p++) for (let t = 0; t < w; t++) vus += segmentShare(97, subSegment({ index: p, count: n }, t, w));
        expect(vus).toBe(97);
      }),
      { numRuns: 150 },
    );
    expect(segmentLabel(subSegment({ index: 1, count: 3 }, 1, 2))).toBe('5/6');
  });

  it('--segment i/N is 1-based; anything else is a clear usage error', () => {
    expect(parseSegment('2/3')).toEqual({ index: 1, count: 3 });
    expect(parseSegment('1/1')).toEqual({ index: 0, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1-2', '', '1/2000']) expect(() => parseSegment(bad), bad).toThrow(/not a segment i\/N/);
  });
});

describe('the closed model split into segments', () => {
  it('shared-iterations: every iteration belongs to a segment with a VU, also with fewer VUs than segments', async () => {
    const { closedSegmentPlan } = await import('../../../harness/load/autocannon-engine.ts');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 8 }), (vus, iterations, n) => {
        const phase = { ...base, executor: 'shared-iterations', vus, iterations, durationMs: 1000 } as const;
        const parts = Array.from({ length: n }, (_, index) => closedSegmentPlan(phase, { index, count: n }));
        expect(parts.reduce((a, p) => a + (p.amount ?? 0), 0)).toBe(iterations);
        expect(parts.reduce((a, p) => a + (p.steps[0]?.vus ?? 0), 0)).toBe(vus);
        for (const p of parts) if ((p.steps[0]?.vus ?? 0) === 0) expect(p.amount).toBe(0);
      }),
    );
  });
});

describe('{{seq}} in segments', () => {
  it('the segments together count 1, 2, 3, … with no number twice', async () => {
    const { createRequestMix } = await import('../../../harness/load/request-mix.ts');
    const { createRng } = await import('../../../harness/core/seeded-rng.ts');
    const source = { scenario: { requests: [{ name: 'r', method: 'GET' as const, path: '/x/{{seq}}', weight: 1 }] }, bodies: new Map() };
    const n = 3;
    const seen: number[] = [];
    for (let index = 0; index < n; index++) {
      const mix = createRequestMix(source, { rng: createRng(1), segment: { index, count: n } });
      for (let i = 0; i < 10; i++) seen.push(Number(mix.next(0).path.split('/').pop()));
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});
