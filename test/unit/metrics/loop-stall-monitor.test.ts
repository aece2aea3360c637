import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../harness/core/clock.ts';
import { LoopStallMonitor } from '../../../harness/metrics/loop-stall-monitor.ts';

/** A monitor whose timer beats every 20 ms from 0 to `untilMs`, except inside the given stalls. */
function monitorWith(stalls: Array<[number, number]>, untilMs: number): LoopStallMonitor {
  const m = new LoopStallMonitor(manualClock(), { keepMs: 5000 });
  for (let t = 0; t <= untilMs; t += 20) {
    const inStall = stalls.find(([from, to]) => t > from && t < to);
    if (inStall === undefined) m.beat(t);
    else if (t + 20 >= inStall[1]) m.beat(inStall[1]); // the first beat after the stall
  }
  return m;
}

describe('LoopStallMonitor', () => {
  it('counts nothing before its timer ran, and nothing for a timer on time or a little late', () => {
    expect(new LoopStallMonitor(manualClock(), { keepMs: 5000 }).stalledMs(0, 1000)).toBe(0);
    const m = new LoopStallMonitor(manualClock(), { keepMs: 5000 });
    for (const t of [0, 20, 45, 70, 90]) m.beat(t); // 5 ms late at most: jitter of a busy loop
    expect(m.stalledMs(0, 90)).toBe(0);
  });

  it('a 300 ms stall is the part of a request in flight it overlaps', () => {
    const m = monitorWith([[1000, 1300]], 2000);
    // the timer due at 1020 fired at 1300: the loop was blocked from 1020 on
    expect(m.stalledMs(900, 1310)).toBe(280);
    expect(m.stalledMs(1100, 1200)).toBe(100);
    expect(m.stalledMs(1400, 1500)).toBe(0);
    expect(m.stalledMs(0, 900)).toBe(0);
  });

  it('a stall whose callbacks run before the timer does is counted up to the request end', () => {
    const m = new LoopStallMonitor(manualClock(), { keepMs: 5000 });
    m.beat(0);
    m.beat(20);
    // the loop was blocked from 40 to 500; an outcome's callback at 500 runs before the timer's
    expect(m.stalledMs(30, 500)).toBe(460);
    m.beat(500);
    expect(m.stalledMs(30, 500)).toBe(460);
  });

  it('forgets stalls older than keepMs', () => {
    const m = monitorWith([[1000, 1300]], 8000);
    expect(m.stalledMs(900, 1310)).toBe(0);
  });
});
