import { describe, expect, it } from 'vitest';
import type { RequestOutcome } from '../../../harness/load/engine.ts';
import { LatencyHistogram } from '../../../harness/metrics/latency-histogram.ts';
import { TimelineRecorder } from '../../../harness/metrics/timeline-recorder.ts';
import type { TimelineSecond } from '../../../harness/contract/timeline-types.ts';
import { manualClock } from '../../../harness/core/clock.ts';

function setup(timeoutMs = 5000) {
  const clock = manualClock();
  const lines: TimelineSecond[] = [];
  const rec = new TimelineRecorder({
    clock,
    write: (l) => lines.push(l),
    phaseAt: (ms) => (ms < 3000 ? 'warm' : ms < 6000 ? 'main' : null),
    timeoutMs,
  });
  return { clock, lines, rec };
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
    const errH = LatencyHistogram.decode(a?.errorHistogram ?? '');
    expect(errH.count).toBe(2);
    expect(LatencyHistogram.decode(a?.histogram ?? '').count).toBe(3);
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
});
