import { describe, expect, it } from 'vitest';
import { createLiveConsole } from '../../../harness/cli/live-console.ts';
import type { LiveConsoleOptions } from '../../../harness/cli/live-console.ts';
import type { LiveState } from '../../../harness/cli/live-view.ts';
import { xtermScreen } from '../../support/xterm-screen.ts';

/*
 * The renderer against a terminal emulator: what it writes is replayed through @xterm/headless and
 * the screen read back, so stale lines, erased notices and half-cleared frames show as they would
 * to a person. Stdout and stderr share the terminal, as they do on a real one.
 */

const state = (over: Partial<LiveState> = {}): LiveState => ({
  elapsedMs: 5_000,
  totalMs: 60_000,
  rps: 50,
  p95Ms: 4.2,
  errorRate: 0,
  activeFault: null,
  recovery: null,
  phase: 'steady',
  ...over,
});
const BAR = /^\[[█░]+\] /;
const ANSI = /\u001b\[/;

function terminal(opts: { tty?: boolean; columns?: number | undefined } & LiveConsoleOptions = {}) {
  let screen = '';
  let out = '';
  let err = '';
  let now = 0;
  const columns = 'columns' in opts ? opts.columns : 100;
  const view = createLiveConsole(
    {
      isTTY: opts.tty ?? true,
      out: (l) => {
        screen += `${l}\n`;
        out += `${l}\n`;
      },
      err: (l) => {
        screen += `${l}\n`;
        err += `${l}\n`;
      },
      write: (raw) => void (screen += raw),
      columns: () => columns,
      rows: () => 40,
    },
    { tickMs: 0, nowMs: () => now, ...opts },
  );
  return {
    view,
    at: (ms: number) => void (now = ms),
    raw: () => screen,
    out: () => out,
    err: () => err,
    // The pty turns \n into \r\n (onlcr); the emulator is given what a terminal would receive.
    lines: (cols = columns ?? 100) => xtermScreen(screen.replace(/\n/g, '\r\n'), { cols: cols || 100, rows: 40 }),
  };
}

describe('live console on a terminal', () => {
  it('shows a step while it runs and leaves its line when done; the frame comes after the steps', async () => {
    const t = terminal();
    t.view.beginStep('postgres', 'starting PostgreSQL (embedded)');
    expect(await t.lines()).toEqual(['… starting PostgreSQL (embedded)']);
    t.at(2100);
    t.view.endStep('postgres', '✓ starting PostgreSQL (embedded) (2.1 s)');
    t.view.beginStep('target', 'starting the target');
    expect(await t.lines()).toEqual(['✓ starting PostgreSQL (embedded) (2.1 s)', '… starting the target']);
    t.view.endStep('target', '✓ starting the target (0.5 s)');
    t.view.frame(state(), true);
    const screen = await t.lines();
    expect(screen.slice(0, 2)).toEqual(['✓ starting PostgreSQL (embedded) (2.1 s)', '✓ starting the target (0.5 s)']);
    expect(screen[2]).toMatch(BAR);
    expect(screen).toHaveLength(4);
  });

  it('redraws the frame in place, and a shorter frame leaves no stale line of a taller one', async () => {
    const t = terminal();
    t.view.frame(state({ activeFault: { name: 'lat#1', kind: 'net-latency', remainingMs: 9000 }, targetDown: 'exited with signal SIGKILL at 0:04' }), true);
    expect(await t.lines()).toHaveLength(4);
    for (let s = 1; s <= 5; s++) {
      t.at(s * 1000);
      t.view.frame(state({ elapsedMs: 5000 + s * 1000 }));
    }
    const screen = await t.lines();
    expect(screen).toHaveLength(2);
    expect(screen[0]).toMatch(/ 0:10 \/ 1:00 /);
    expect(screen.join('\n')).not.toMatch(/lat#1|TARGET DOWN/);
  });

  it('prints fault lines and warnings above the frame; none is overwritten and the frame is not repeated', async () => {
    const t = terminal();
    t.view.frame(state(), true);
    t.view.print('1.0s fault-inject lat#1');
    t.view.warn('warning: resource sampling unavailable');
    t.at(1000);
    t.view.frame(state({ elapsedMs: 6000 }));
    t.view.print('2.0s fault-remove lat#1');
    const screen = await t.lines();
    expect(screen.slice(0, 3)).toEqual(['1.0s fault-inject lat#1', 'warning: resource sampling unavailable', '2.0s fault-remove lat#1']);
    expect(screen.filter((l) => BAR.test(l))).toHaveLength(1);
    expect(screen).toHaveLength(5);
  });

  it('keeps the Ctrl-C notice under the frame through every redraw, then leaves it in the output', async () => {
    const t = terminal();
    t.view.frame(state(), true);
    t.view.notice('\nSIGINT: rolling back faults, stopping the load and writing partial results (Ctrl-C again to exit at once)…');
    for (let s = 1; s <= 3; s++) {
      t.at(s * 1000);
      t.view.frame(state({ elapsedMs: 5000 + s * 1000 }));
      t.view.print(`${s}.0s fault-remove f#${s}`);
      const screen = await t.lines();
      expect(screen.at(-1)).toMatch(/^SIGINT: rolling back faults/);
    }
    t.view.endFrame(state({ elapsedMs: 8500, ended: 'stopped: interrupted' }));
    t.view.beginStep('reports', 'analysing and writing reports');
    t.view.endStep('reports', '✓ analysing and writing reports (0.2 s)');
    t.view.close();
    const screen = await t.lines();
    const frame = screen.findIndex((l) => BAR.test(l));
    expect(screen[frame]).toMatch(/stopped: interrupted$/);
    expect(screen[frame + 2]).toMatch(/^SIGINT: rolling back faults/);
    expect(screen.at(-1)).toBe('✓ analysing and writing reports (0.2 s)');
    expect(screen.filter((l) => l.startsWith('SIGINT'))).toHaveLength(1);
    expect(screen.filter((l) => BAR.test(l))).toHaveLength(1);
  });

  it('a notice while a step runs stays below it and is left in the output once the step ends', async () => {
    const t = terminal();
    t.view.beginStep('postgres', 'starting PostgreSQL (embedded)');
    t.view.notice('SIGINT: stopping');
    expect(await t.lines()).toEqual(['… starting PostgreSQL (embedded)', 'SIGINT: stopping']);
    t.view.endStep('postgres', '✗ starting PostgreSQL (embedded) (0.3 s): aborted');
    expect(await t.lines()).toEqual(['✗ starting PostgreSQL (embedded) (0.3 s): aborted', 'SIGINT: stopping']);
  });

  it('a terminal that reports 0 columns (or none) gets frames for 80', async () => {
    for (const columns of [0, undefined]) {
      const t = terminal({ columns });
      t.view.frame(state({ recovery: 'x'.repeat(200) }), true);
      t.view.endFrame();
      const screen = await t.lines(120);
      expect(screen).toHaveLength(3);
      expect(screen[0]).toMatch(BAR);
      for (const l of screen) expect([...l].length).toBeLessThanOrEqual(79);
      expect(screen[2]).toBe(`no fault active   ${'x'.repeat(79 - 19)}…`);
    }
  });

  it('holds frames back to one per interval and draws the held one at the end', async () => {
    const t = terminal();
    t.view.frame(state(), true);
    const drawn = t.raw();
    t.at(400);
    t.view.frame(state({ rps: 42 }));
    expect(t.raw()).toBe(drawn);
    t.view.endFrame();
    expect((await t.lines())[1]).toMatch(/^42\.0 rps/);
    t.at(5000);
    t.view.frame(state({ rps: 7 }));
    t.view.close();
    // After endFrame a new frame starts a new live block (a second run of --runs N).
    expect((await t.lines()).filter((l) => BAR.test(l))).toHaveLength(2);
  });
});

describe('live console in a pipe or log', () => {
  it('prints plain lines without cursor codes: steps as they begin and end, a frame every 10 s or at a forced change', () => {
    const t = terminal({ tty: false });
    t.view.beginStep('cleanup', 'cleaning up what earlier runs left behind');
    t.view.endStep('cleanup', '✓ cleaning up what earlier runs left behind (0.0 s)');
    for (let s = 0; s <= 25; s++) {
      t.at(s * 1000);
      t.view.frame(state({ elapsedMs: s * 1000 }), s === 12);
    }
    t.view.notice('\nSIGINT: rolling back faults');
    t.view.endFrame(state({ elapsedMs: 25_500, ended: 'done' }));
    expect(t.raw()).not.toMatch(ANSI);
    const lines = t.out().trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['cleaning up what earlier runs left behind…', '✓ cleaning up what earlier runs left behind (0.0 s)']);
    expect(lines.slice(2).map((l) => /^\[(\d+:\d+)/.exec(l)?.[1])).toEqual(['0:00', '0:10', '0:12', '0:22', '0:25']);
    expect(lines.at(-1)).toContain('ended="done"');
    expect(t.err()).toBe('SIGINT: rolling back faults\n');
  });

  it('quiet: nothing on stdout; warnings and the notice still on stderr, without cursor codes even on a terminal', () => {
    const t = terminal({ tty: true, quiet: true });
    t.view.beginStep('cleanup', 'cleaning up');
    t.view.endStep('cleanup', '✓ cleaning up');
    t.view.frame(state(), true);
    t.view.print('1.0s fault-inject x');
    t.view.warn('warning: w');
    t.view.notice('SIGINT: stopping');
    t.view.endFrame(state({ ended: 'done' }));
    t.view.close();
    expect(t.out()).toBe('');
    expect(t.err()).toBe('warning: w\nSIGINT: stopping\n');
    expect(t.raw()).not.toMatch(ANSI);
  });
});
