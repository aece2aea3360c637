import { describe, expect, it, vi } from 'vitest';
import type { RequestOutcome } from '../../../harness/load/engine.ts';
import { LatencyHistogram } from '../../../harness/metrics/latency-histogram.ts';
import { TimelineRecorder } from '../../../harness/metrics/timeline-recorder.ts';
import type { TimelineLate, TimelineSecond } from '../../../harness/contract/timeline-types.ts';
import { manualClock } from '../../../harness/core/clock.ts';
import { sliceBinMidMs, sliceLatencyBin } from '../../../harness/contract/traffic-slices.ts';
import { pointOf, secondCounts, secondPoint } from '../../../harness/analysis/timeline-series.ts';

function setup(timeoutMs = 5000) {
  const clock = manualClock();
  const lines: TimelineSecond[] = [];
  const late: TimelineLate[] = [];
  const rec = new TimelineRecorder({
    clock,
    write: (l) => lines.push(l),
    writeLate: (l) => late.push(l),
    phaseAt: (ms) => (ms < 3000 ? 'warm' : ms < 6000 ? 'main' : null),
    timeoutMs,
  });
  return { clock, lines, late, rec };
}

function outcome(name: string, intendedAtMs: number, latencyMs: number, extra: Partial<RequestOutcome> = {}): RequestOutcome {
  return { name, intendedAtMs, latencyUs: latencyMs * 1000, status: 200, failed: false, errorKind: null, bytes: 10, ...extra };
}

/** onStart + onOutcome, as an engine does. */
function complete(rec: TimelineRecorder, o: RequestOutcome): void {
  rec.onStart(o.intendedAtMs);
  rec.onOutcome(o);
}

describe('TimelineRecorder', () => {
  it('hands each closed second its histograms in memory: the same point as decoding the line, for one name and for several', () => {
    const clock = manualClock();
    const points: [ReturnType<typeof secondPoint>, ReturnType<typeof pointOf>][] = [];
    const rec = new TimelineRecorder({
      clock,
      write: (l, h) => {
        if (h !== undefined) points.push([secondPoint(l), pointOf(secondCounts(l), h.all, h.failed)]);
      },
      writeLate: () => {},
      phaseAt: () => 'p',
      timeoutMs: 5000,
    });
    for (let i = 0; i < 50; i++) complete(rec, outcome('a', 10 + i * 10, 1 + i));
    for (let i = 0; i < 50; i++) complete(rec, outcome(i % 3 === 0 ? 'b' : 'a', 1010 + i * 10, 2 + i * 3, i % 7 === 0 ? { status: 503, failed: true } : {}));
    clock.set(2500);
    rec.tick();
    expect(points).toHaveLength(2);
    for (const [decoded, inMemory] of points) {
      // The in-memory max is the exact value; a decoded histogram knows only its bucket's top (3 digits).
      expect({ ...inMemory, maxMs: null }).toEqual({ ...decoded, maxMs: null });
      expect(Math.abs(inMemory.maxMs! / decoded.maxMs! - 1)).toBeLessThan(0.001);
    }
    expect(points[1]?.[0].errors).toBe(8);
  });

  it('buckets by intended second and closes a second only after it is over', () => {
    const { clock, lines, rec } = setup();
    complete(rec, outcome('a', 100, 5));
    complete(rec, outcome('a', 999, 7));
    complete(rec, outcome('b', 1000, 9));
    clock.set(999);
    rec.tick();
    expect(lines).toHaveLength(0);
    clock.set(1300);
    rec.tick();
    expect(lines.map((l) => l.t)).toEqual([0]);
    expect(lines[0]?.requests.a?.count).toBe(2);
    expect(lines[0]?.requests.b).toBeUndefined();
    expect(lines[0]?.phase).toBe('warm');
    expect(rec.snapshot()?.t).toBe(0);
  });

  it('keeps a second open while a request intended in it is in flight, and emits in order', () => {
    const { clock, lines, rec } = setup();
    rec.onStart(500); // slow request of second 0
    complete(rec, outcome('a', 1500, 1));
    complete(rec, outcome('a', 2500, 1));
    clock.set(3500);
    rec.tick();
    expect(lines).toHaveLength(0); // second 0 is busy, and 1 and 2 must wait behind it
    expect(rec.inFlight).toBe(1);
    rec.onOutcome(outcome('a', 500, 3000));
    rec.tick();
    expect(lines.map((l) => l.t)).toEqual([0, 1, 2]);
    expect(lines[0]?.requests.a?.count).toBe(1);
    expect(rec.inFlight).toBe(0);
  });

  it('closes a stuck second at its end + timeout + 1 s, with the in-flight count', () => {
    const { clock, lines, rec } = setup(2000);
    rec.onStart(100);
    clock.set(3999);
    rec.tick();
    expect(lines).toHaveLength(0);
    clock.set(4000);
    rec.tick();
    expect(lines.map((l) => l.t)).toEqual([0, 1, 2]);
    expect(lines[0]?.inFlight).toBe(1);
    // the late outcome is not lost: it lands in the aggregates
    rec.onOutcome(outcome('a', 100, 4000, { failed: true, errorKind: 'timeout', status: null }));
    const agg = rec.finish();
    expect(agg.lateOutcomes).toBe(1);
    expect(agg.totals.requests).toBe(1);
    expect(agg.totals.errorKinds.timeout).toBe(1);
  });

  it('writes outcomes that arrive after their second closed as late lines on the next tick, and counts them', () => {
    const { clock, lines, late, rec } = setup(1000);
    rec.onStart(100);
    rec.onStart(200);
    rec.onStart(1100);
    complete(rec, outcome('a', 2500, 1));
    clock.set(4000); // second 1 is busy until its end + 1 s timeout + 1 s: 0, 1 and 2 close now
    rec.tick();
    expect(lines.map((l) => l.t)).toEqual([0, 1, 2]);
    expect(late).toHaveLength(0);
    rec.onOutcome(outcome('a', 100, 3900, { failed: true, errorKind: 'timeout', status: null }));
    rec.onOutcome(outcome('b', 200, 2800));
    rec.onOutcome(outcome('a', 1100, 2850));
    rec.onDropped(300);
    expect(late).toHaveLength(0); // written on the tick, not per outcome
    clock.set(4100);
    rec.tick();
    expect(late.map((l) => [l.t, l.phase, l.droppedIterations])).toEqual([
      [0, 'warm', 1],
      [1, 'warm', 0],
    ]);
    expect(late[0]?.requests.a).toMatchObject({ count: 1, errors: 1, errorKinds: { timeout: 1, refused: 0, reset: 0, other: 0 } });
    expect(late[0]?.requests.b).toMatchObject({ count: 1, errors: 0, statusCounts: { '2xx': 1 } });
    expect(LatencyHistogram.decode(late[0]?.requests.a?.errorHistogram ?? '').percentileMs(100)).toBeCloseTo(3900, -1);
    expect(late[1]?.requests.a?.count).toBe(1);
    // the seconds' own lines are not rewritten: they have none of them
    expect(lines[0]?.requests).toEqual({});
    rec.tick();
    expect(late).toHaveLength(2); // nothing new, nothing written twice
    // an outcome that arrives after the last tick is written by finish()
    rec.onStart(3600);
    clock.set(6000);
    rec.tick();
    expect(lines.map((l) => l.t)).toEqual([0, 1, 2, 3, 4]);
    rec.onOutcome(outcome('a', 3600, 2400));
    const agg = rec.finish();
    expect(late.map((l) => [l.t, l.phase])).toEqual([
      [0, 'warm'],
      [1, 'warm'],
      [3, 'main'],
    ]);
    expect(agg.lateOutcomes).toBe(4);
    // the live aggregates hold what the timeline's second and late lines hold together
    const inLines = [...lines, ...late].reduce((n, l) => n + Object.values(l.requests).reduce((m, r) => m + r.count, 0), 0);
    expect(inLines).toBe(5);
    expect(agg.totals.requests).toBe(5);
    expect(agg.totals.droppedIterations).toBe(1);
    expect(agg.phases.warm?.total.requests).toBe(4);
    expect(agg.phases.main?.requests.a?.requests).toBe(1);
  });

  it('emits empty seconds between traffic so throughput gaps are visible', () => {
    const { clock, lines, rec } = setup();
    complete(rec, outcome('a', 10, 1));
    complete(rec, outcome('a', 3010, 1));
    clock.set(4500);
    rec.tick();
    expect(lines.map((l) => [l.t, Object.keys(l.requests).length])).toEqual([
      [0, 1],
      [1, 0],
      [2, 0],
      [3, 1],
    ]);
  });

  it('counts status classes, error kinds, bytes, dropped iterations and an error histogram', () => {
    const { clock, lines, rec } = setup();
    complete(rec, outcome('a', 10, 2));
    complete(rec, outcome('a', 20, 300, { status: 503, failed: true }));
    complete(rec, outcome('a', 30, 50, { status: null, failed: true, errorKind: 'reset', bytes: 0 }));
    rec.onDropped(40);
    rec.onDropped(50);
    clock.set(1500);
    rec.tick();
    const s = lines[0];
    expect(s?.droppedIterations).toBe(2);
    const a = s?.requests.a;
    expect(a).toMatchObject({ count: 3, errors: 2, bytes: 20, statusCounts: { '2xx': 1, '5xx': 1 }, errorKinds: { timeout: 0, refused: 0, reset: 1, other: 0 } });
    // The reset got no answer: an error without a latency, in neither histogram.
    const errH = LatencyHistogram.decode(a?.errorHistogram ?? '');
    expect(errH.count).toBe(1);
    expect(LatencyHistogram.decode(a?.histogram ?? '').count).toBe(2);
  });

  it('refused requests are errors without a latency, so they cannot pull p95 down; timeouts keep theirs', () => {
    const { clock, lines, rec } = setup();
    for (let i = 0; i < 10; i++) complete(rec, outcome('a', i * 10, 200));
    // A dead port: 90 refusals in a few microseconds each.
    for (let i = 0; i < 90; i++) complete(rec, outcome('a', 100 + i, 0.005, { status: null, failed: true, errorKind: 'refused', bytes: 0 }));
    complete(rec, outcome('a', 300, 5000, { status: null, failed: true, errorKind: 'timeout', bytes: 0 }));
    clock.set(1500);
    rec.tick();
    const a = lines[0]?.requests.a;
    expect(a).toMatchObject({ count: 101, errors: 91, errorKinds: { refused: 90, timeout: 1 } });
    const h = LatencyHistogram.decode(a?.histogram ?? '');
    expect(h.count).toBe(11);
    expect(h.percentileMs(50)).toBeCloseTo(200, 0);
    expect(LatencyHistogram.decode(a?.errorHistogram ?? '').count).toBe(1);
  });

  it('counts requests the harness cancelled apart: not requests, not errors, no latency', () => {
    const { clock, lines, rec } = setup();
    complete(rec, outcome('a', 10, 2));
    complete(rec, outcome('a', 20, 0.5, { status: null, failed: true, errorKind: 'cancelled', bytes: 0 }));
    complete(rec, outcome('a', 30, 0.5, { status: null, failed: true, errorKind: 'cancelled', bytes: 0 }));
    clock.set(1500);
    const agg = rec.finish();
    const a = lines[0]?.requests.a;
    expect(a).toMatchObject({ count: 1, errors: 0, cancelled: 2, errorKinds: { timeout: 0, refused: 0, reset: 0, other: 0 } });
    expect(LatencyHistogram.decode(a?.histogram ?? '').count).toBe(1);
    expect(agg.totals).toMatchObject({ requests: 1, errors: 0, cancelled: 2 });
    expect(rec.inFlight).toBe(0);
  });

  it('merges seconds into per-request, per-phase and total aggregates that match the timeline', () => {
    const { clock, lines, rec } = setup();
    for (let ms = 0; ms < 7000; ms += 10) complete(rec, outcome(ms % 20 === 0 ? 'a' : 'b', ms, 1 + (ms % 1000) / 10, { status: ms % 70 === 0 ? 500 : 200, failed: ms % 70 === 0 }));
    rec.onDropped(3500);
    clock.set(7100);
    const agg = rec.finish();
    expect(lines.map((l) => l.t)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(lines.map((l) => l.phase)).toEqual(['warm', 'warm', 'warm', 'main', 'main', 'main', null]);
    const fromLines = lines.reduce((n, l) => n + Object.values(l.requests).reduce((m, r) => m + r.count, 0), 0);
    expect(agg.totals.requests).toBe(700);
    expect(fromLines).toBe(700);
    expect(agg.requests.a?.requests).toBe(350);
    expect(agg.requests.b?.requests).toBe(350);
    expect(agg.phases.warm?.total.requests).toBe(300);
    expect(agg.phases.main?.requests.a?.requests).toBe(150);
    expect(agg.phases.main?.total.droppedIterations).toBe(1);
    expect(agg.totals.droppedIterations).toBe(1);
    expect(agg.totals.errors).toBe(100);
    // the merged histogram equals a histogram of all values
    const direct = LatencyHistogram.empty();
    for (let ms = 0; ms < 7000; ms += 10) direct.recordUs((1 + (ms % 1000) / 10) * 1000);
    for (const p of [50, 90, 99, 100]) expect(agg.totals.histogram.percentileMs(p)).toBe(direct.percentileMs(p));
  });

  it('finish() emits what is still open, including the partial last second', () => {
    const { clock, lines, rec } = setup();
    complete(rec, outcome('a', 2200, 1));
    clock.set(2300);
    rec.finish();
    expect(lines.map((l) => l.t)).toEqual([0, 1, 2]);
    expect(lines[2]?.requests.a?.count).toBe(1);
  });

  it('writes each second per 100 ms of intended time, all names together, late outcomes in their late line', () => {
    const { clock, lines, late, rec } = setup(1000);
    complete(rec, outcome('a', 1000, 4)); // slice 0 of second 1
    complete(rec, outcome('b', 1099.9, 4.2)); // still slice 0
    complete(rec, outcome('a', 1250, 40, { failed: true, status: 500 })); // an error: counted, no success latency
    complete(rec, outcome('a', 1260, 0, { failed: true, errorKind: 'refused', status: null }));
    complete(rec, outcome('a', 1999.99, 4)); // slice 9
    complete(rec, outcome('a', 1300, 1, { errorKind: 'cancelled', status: null })); // not a request
    rec.onDropped(1710);
    rec.onStart(1500); // answered after the second closed (its end + 1 s timeout + 1 s)
    clock.set(4000);
    rec.tick();
    rec.onOutcome(outcome('a', 1500, 2500));
    rec.finish();
    const s = lines.find((l) => l.t === 1)?.slices;
    expect(s).toEqual({
      ms: 100,
      requests: [2, 0, 2, 0, 0, 0, 0, 0, 0, 1],
      errors: [0, 0, 2, 0, 0, 0, 0, 0, 0, 0],
      dropped: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
      // 4000 µs and 4200 µs: one bin each (4096–4608 µs is 8 sub-bins above 2^12 µs, 512 µs wide)
      okLatency: [[sliceLatencyBin(4000), 1, sliceLatencyBin(4200), 1], [], [], [], [], [], [], [], [], [sliceLatencyBin(4000), 1]],
    });
    expect(sliceLatencyBin(4000)).not.toBe(sliceLatencyBin(4200));
    expect(late.find((l) => l.t === 1)?.slices?.requests).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(late.find((l) => l.t === 1)?.slices?.okLatency[5]).toEqual([sliceLatencyBin(2_500_000), 1]);
    expect(sliceBinMidMs(sliceLatencyBin(2_500_000))).toBeCloseTo(2500, -2);
    // a second without traffic carries no slices
    expect(lines.find((l) => l.t === 0)?.slices).toBeUndefined();
  });

  it('writes how late each slice\'s requests went onto the wire, only when they were late', () => {
    const { clock, lines, rec } = setup();
    complete(rec, outcome('a', 1000, 270, { sentAtMs: 1260 })); // 260 ms late
    complete(rec, outcome('a', 1050, 220, { sentAtMs: 1260 })); // 210 ms late
    complete(rec, outcome('a', 1300, 1, { sentAtMs: 1300.4 })); // on time
    complete(rec, outcome('a', 1400, 1)); // a closed model: sent when intended
    clock.set(4000);
    rec.finish();
    expect(lines.find((l) => l.t === 1)?.slices?.sendLagMs).toEqual([235, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(lines.find((l) => l.t === 0)?.slices).toBeUndefined();
  });

  it("takes the harness's own event-loop stall out of the slices' latency, not out of the histograms", () => {
    vi.useFakeTimers();
    try {
      const { clock, lines, rec } = setup();
      rec.start();
      for (let t = 20; t <= 1000; t += 20) {
        clock.set(t);
        vi.advanceTimersByTime(20);
      }
      // the loop is blocked from 1000 to 1400: the response to a request sent at 990 waits, and its callback runs first
      clock.set(1400);
      rec.onStart(990);
      rec.onOutcome(outcome('a', 990, 410));
      for (let t = 1400; t <= 1500; t += 20) {
        clock.set(t);
        vi.advanceTimersByTime(20);
      }
      complete(rec, outcome('a', 1490, 5)); // after the stall: untouched
      clock.set(3000);
      rec.finish();
      const [second0, second1] = lines;
      expect(second0?.slices?.okLatency[9]).toEqual([sliceLatencyBin(410_000 - 380_000), 1]);
      expect(LatencyHistogram.decode(second0?.requests.a?.histogram ?? '').percentileMs(100)).toBeCloseTo(410, -1);
      expect(second1?.slices?.okLatency[4]).toEqual([sliceLatencyBin(5000), 1]);
    } finally {
      vi.useRealTimers();
    }
  });
});
