import { describe, expect, it } from 'vitest';
import { clock, createLiveView, plainLine, renderLiveView, ttyLines } from '../../../harness/cli/live-view.ts';
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

function capture(isTTY: boolean, columns = 80) {
  let out = '';
  let now = 0;
  const view = createLiveView({ write: (s) => void (out += s), isTTY, columns }, { nowMs: () => now });
  return { view, out: () => out, at: (ms: number) => void (now = ms) };
}

describe('createLiveView', () => {
  it('plain mode prints a line every 10 s by default, and at once when a fault starts or ends', () => {
    const c = capture(false);
    for (let s = 0; s <= 30; s++) {
      c.at(s * 1000);
      const fault = s >= 12 && s < 15 ? { name: 'f#1', kind: 'net-reset', remainingMs: (15 - s) * 1000 } : null;
      c.view.update(state({ elapsedMs: s * 1000, activeFault: fault }));
    }
    c.view.stop();
    const lines = c.out().trimEnd().split('\n');
    expect(lines.map((l) => /^\[(\d+:\d+)/.exec(l)?.[1])).toEqual(['0:00', '0:10', '0:12', '0:15', '0:25', '0:30']);
    expect(c.out()).not.toMatch(ANSI);
  });

  it('TTY mode redraws the frame in place: cursor up over the previous frame, each line cleared', () => {
    const c = capture(true);
    c.view.update(state({ elapsedMs: 1000 }));
    const first = c.out();
    expect(first).not.toContain('\u001b[3A');
    expect(first.split('\n')).toHaveLength(4);
    c.at(500);
    c.view.update(state({ elapsedMs: 1500 }));
    expect(c.out()).toBe(first); // throttled to 1 s
    c.at(1000);
    c.view.update(state({ elapsedMs: 2000 }));
    const second = c.out().slice(first.length);
    expect(second.startsWith('\u001b[3A')).toBe(true);
    expect(second.match(/\r\u001b\[2K/g)).toHaveLength(3);
    expect(second.replace(ANSI, '')).toContain('0:02 / 3:00');
  });

  it('TTY: a shorter frame clears the lines the longer one left behind', () => {
    const c = capture(true);
    c.view.update(state());
    c.at(1000);
    c.view.update(state({ activeFault: null }));
    const redraw = c.out().slice(c.out().lastIndexOf('\u001b[3A'));
    // 2 lines drawn, then the 3rd old line cleared and the cursor back below the 2 new ones.
    expect(redraw).toMatch(/\u001b\[3A(\r\u001b\[2K[^\n]*\n){2}\u001b\[2K\n\u001b\[1A$/);
  });

  it('print puts a message above the frame and redraws the frame below it', () => {
    const c = capture(true);
    c.view.update(state());
    const before = c.out().length;
    c.view.print('fault db-down#1 injected');
    const tail = c.out().slice(before);
    expect(tail.startsWith('\u001b[3A')).toBe(true);
    const msgAt = tail.indexOf('fault db-down#1 injected\n');
    expect(msgAt).toBeGreaterThan(0);
    expect(tail.slice(msgAt)).toContain('1:05 / 3:00');
  });

  it('stop draws a state that the throttle held back, once, then ignores updates', () => {
    const c = capture(true);
    c.view.update(state({ elapsedMs: 1000 }));
    c.at(100);
    c.view.update(state({ elapsedMs: 1100, rps: 42 }));
    expect(c.out()).not.toContain('42.0 rps');
    c.view.stop();
    expect(c.out()).toContain('42.0 rps');
    const done = c.out();
    c.view.stop();
    c.at(99_000);
    c.view.update(state());
    expect(c.out()).toBe(done);
  });
});
