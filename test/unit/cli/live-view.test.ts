import { describe, expect, it } from 'vitest';
import { clock, clockAt, plainLine, renderLiveView, terminalWidth, ttyLines } from '../../../harness/cli/live-view.ts';
import type { LiveState } from '../../../harness/cli/live-view.ts';

const state = (over: Partial<LiveState> = {}): LiveState => ({
  elapsedMs: 65_000,
  totalMs: 180_000,
  rps: 99.5,
  p95Ms: 12.34,
  errorRate: 0.001,
  activeFault: { name: 'db-down#1', kind: 'db-down', remainingMs: 41_200 },
  recovery: null,
  phase: 'steady',
  ...over,
});
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

describe('renderLiveView', () => {
  it('TTY: a progress bar with elapsed, total and remaining, then rps, p95 and errors, then the fault countdown', () => {
    const lines = ttyLines(state(), 100);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[█+░+\] 1:05 \/ 3:00 {2}36% {2}1:55 left {2}steady$/);
    const bar = /\[(█*)(░*)\]/.exec(lines[0] ?? '');
    expect((bar?.[1]?.length ?? 0) / ((bar?.[1]?.length ?? 0) + (bar?.[2]?.length ?? 1))).toBeCloseTo(65 / 180, 1);
    expect(lines[1]).toBe('99.5 rps   p95 12.3 ms   errors 0.10%');
    expect(lines[2]).toBe('fault db-down#1 (db-down) 0:42 left');
    expect(renderLiveView(state(), { width: 100, tty: true })).toBe(lines.join('\n'));
  });

  it('TTY: recovery status beside the fault line, no fault line when there is neither', () => {
    expect(ttyLines(state({ activeFault: null, recovery: 'recovering 3/5 healthy s' }), 100)[2]).toBe('no fault active   recovering 3/5 healthy s');
    expect(ttyLines(state({ activeFault: null }), 100)).toHaveLength(2);
  });

  it('TTY: no line is wider than the terminal, however narrow', () => {
    for (const width of [20, 40, 60, 200]) {
      for (const l of ttyLines(state({ recovery: 'recovering 3/5 healthy s', phase: 'a-very-long-phase-name' }), width)) {
        expect([...l].length).toBeLessThan(width);
      }
    }
  });

  it('before the first second closes, shows dashes rather than zeros', () => {
    expect(ttyLines(state({ rps: null, p95Ms: null, errorRate: null, activeFault: null }), 80)[1]).toBe('– rps   p95 –   errors –');
  });

  it('plain: one line of key=value pairs with no control characters', () => {
    const line = renderLiveView(state({ recovery: 'recovering 3/5 healthy s' }), { width: 80, tty: false });
    expect(line).toBe('[1:05/3:00 36%] phase=steady rps=99.5 p95=12.3ms errors=0.10% fault=db-down#1 left=0:42 recovery="recovering 3/5 healthy s"');
    expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(plainLine(state({ activeFault: null, elapsedMs: 999_999 }))).toMatch(/^\[3:00\/3:00 100%\].*fault=none$/);
  });

  it('clock counts down to 0:00 only at the end and handles hours', () => {
    expect([clock(0), clock(1), clock(59_001), clock(3_600_000), clock(-5)]).toEqual(['0:00', '0:01', '1:00', '1:00:00', '0:00']);
  });
});

describe('frame edge cases', () => {
  it('a removed fault shows as removed (with when), not as active and not as "no fault active"', () => {
    const s = state({ activeFault: null, removedFault: { name: 'db-down#1', kind: 'db-down', atMs: 72_400 }, recovery: 'recovering 1/5 healthy s' });
    expect(ttyLines(s, 100)[2]).toBe('fault db-down#1 (db-down) removed at 1:12   recovering 1/5 healthy s');
    expect(plainLine(s)).toContain('fault=none removed=db-down#1@1:12 recovery=');
    // An active fault wins over the one removed before it.
    expect(ttyLines({ ...s, activeFault: { name: 'x#2', kind: 'net-reset', remainingMs: 3000 } }, 100)[2]).toMatch(/^fault x#2 \(net-reset\) 0:03 left/);
  });

  it('the last frame says how the load ended instead of a countdown', () => {
    const s = state({ elapsedMs: 180_000, ended: 'done' });
    expect(ttyLines(s, 100)[0]).toMatch(/\] 3:00 \/ 3:00 {2}100% {2}done$/);
    expect(plainLine(state({ elapsedMs: 70_500, ended: 'stopped: interrupted' }))).toMatch(/^\[1:10\/3:00 39%\] ended="stopped: interrupted" rps=/);
  });

  it('width 0, undefined or nonsense lays out for 80 columns instead of a frame of "…"', () => {
    expect([terminalWidth(0), terminalWidth(undefined), terminalWidth(Number.NaN), terminalWidth(-3), terminalWidth(132.7)]).toEqual([80, 80, 80, 80, 132]);
    for (const columns of [0, undefined]) {
      const lines = ttyLines(state({ recovery: 'recovering 3/5 healthy s' }), columns);
      expect(lines).toEqual(ttyLines(state({ recovery: 'recovering 3/5 healthy s' }), 80));
      expect(lines[0]).toMatch(/^\[█+░+\] 1:05 \/ 3:00/);
      for (const l of lines) expect([...l].length).toBeLessThan(80);
    }
  });

  it('a very narrow terminal gets lines of 19 columns at least (the terminal wraps them), never a lone "…"', () => {
    const lines = ttyLines(state(), 5);
    for (const l of lines) {
      expect([...l].length).toBe(Math.min(19, [...l].length));
      expect(l.length).toBeGreaterThan(5);
    }
    expect(lines[1]).toBe('99.5 rps   p95 12.…');
  });

  it('elapsed time is rounded down, the countdown up', () => {
    expect(ttyLines(state({ elapsedMs: 65_900 }), 100)[0]).toMatch(/ 1:05 \/ 3:00 {2}36% {2}1:55 left/);
    expect([clockAt(0), clockAt(999), clockAt(1000), clockAt(-20)]).toEqual(['0:00', '0:00', '0:01', '0:00']);
  });
});
