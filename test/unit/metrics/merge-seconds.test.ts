import { describe, expect, it } from 'vitest';
import type { RequestOutcome } from '../../../harness/load/engine.ts';
import { LatencyHistogram } from '../../../harness/metrics/latency-histogram.ts';
import { mergeSecondLines } from '../../../harness/metrics/merge-seconds.ts';
import { TimelineRecorder } from '../../../harness/metrics/timeline-recorder.ts';
import type { TimelineSecond } from '../../../harness/contract/timeline-types.ts';
import { manualClock } from '../../../harness/core/clock.ts';
import { createRng } from '../../../harness/core/seeded-rng.ts';

function recorder(clock: ReturnType<typeof manualClock>): { rec: TimelineRecorder; lines: TimelineSecond[] } {
  const lines: TimelineSecond[] = [];
  const rec = new TimelineRecorder({ clock, write: (l) => lines.push(l), writeLate: () => {}, phaseAt: (ms) => (ms < 2000 ? 'a' : 'b'), timeoutMs: 5000 });
  return { rec, lines };
}

/** 3 s of traffic at 400/s: two request names, latencies from a skewed distribution, some failures, drops and send lag. */
function traffic(): { startedAt: number; outcome: RequestOutcome | null }[] {
  const rng = createRng(7);
  return Array.from({ length: 1200 }, (_, k) => {
    const intendedAtMs = k * 2.5;
    if (k % 97 === 0) return { startedAt: intendedAtMs, outcome: null };
    const failed = k % 13 === 0;
    const latencyMs = 1 + 200 * rng() ** 4;
    return {
      startedAt: intendedAtMs + rng() * 3,
      outcome: {
        name: k % 3 === 0 ? 'write' : 'read',
        intendedAtMs,
        latencyUs: latencyMs * 1000,
        status: failed ? 503 : 200,
        failed,
        errorKind: null,
        bytes: 100 + (k % 7),
        sentAtMs: intendedAtMs + (k % 5),
      },
    };
  });
}

describe('merging execution segments’ seconds', () => {
  it('two segments (arrival k mod 2) merged are the whole: counts, statuses, bytes, exact percentiles, slices and send lag', () => {
    const clock = manualClock();
    const whole = recorder(clock);
    const parts = [recorder(clock), recorder(clock)];
    traffic().forEach(({ startedAt, outcome }, k) => {
      const seg = parts[k % 2]!;
      const at = k * 2.5;
      for (const r of [whole.rec, seg.rec]) {
        if (outcome === null) r.onDropped(at);
        else {
          r.onStart(at, startedAt);
          r.onOutcome(outcome);
        }
      }
    });
    clock.set(10_000);
    for (const r of [whole, ...parts]) r.rec.finish();
    expect(parts[0]!.lines.map((l) => l.t)).toEqual(whole.lines.map((l) => l.t));
    expect(whole.lines.filter((l) => l.slices !== undefined)).toHaveLength(3);
    for (const [i, w] of whole.lines.entries()) {
      const m = mergeSecondLines([parts[0]!.lines[i]!, parts[1]!.lines[i]!]);
      expect(m.t).toBe(w.t);
      expect(m.phase).toBe(w.phase);
      expect(m.droppedIterations).toBe(w.droppedIterations);
      expect(Object.keys(m.requests).sort()).toEqual(Object.keys(w.requests).sort());
      for (const [name, r] of Object.entries(w.requests)) {
        const got = m.requests[name]!;
        expect({ ...got, histogram: '', errorHistogram: '' }).toEqual({ ...r, histogram: '', errorHistogram: '' });
        const a = LatencyHistogram.decode(got.histogram);
        const b = LatencyHistogram.decode(r.histogram);
        for (const p of [50, 90, 95, 99, 99.9]) expect(a.percentileMs(p), `${name} p${p}`).toBe(b.percentileMs(p));
        expect(LatencyHistogram.decode(got.errorHistogram!).count).toBe(LatencyHistogram.decode(r.errorHistogram!).count);
      }
      if (w.slices === undefined) {
        expect(m.slices).toBeUndefined();
        continue;
      }
      const { sendLagMs: lagM, ...sm } = m.slices!;
      const { sendLagMs: lagW, ...sw } = w.slices!;
      expect(sm).toEqual(sw);
      // Whole-ms means of each part, weighted: within a rounding of the whole's.
      lagW!.forEach((v, j) => expect(Math.abs((lagM?.[j] ?? 0) - v)).toBeLessThanOrEqual(1));
      expect(m.generator?.sendLag).toEqual(w.generator?.sendLag);
    }
  });

  it('one line is itself; a name only one segment saw is kept as it is', () => {
    const clock = manualClock();
    const { rec, lines } = recorder(clock);
    rec.onStart(10);
    rec.onOutcome({ name: 'x', intendedAtMs: 10, latencyUs: 5000, status: 200, failed: false, errorKind: null, bytes: 1 });
    clock.set(2000);
    rec.finish();
    const only = lines[0]!;
    expect(mergeSecondLines([only])).toBe(only);
    const empty: TimelineSecond = { type: 'second', t: only.t, phase: only.phase, requests: {}, droppedIterations: 0 };
    const m = mergeSecondLines([only, empty]);
    expect(m.requests.x?.count).toBe(1);
    expect(LatencyHistogram.decode(m.requests.x!.histogram).percentileMs(50)).toBe(LatencyHistogram.decode(only.requests.x!.histogram).percentileMs(50));
  });
});
