import { createLogUpdate } from 'log-update';
import { fitLines, plainLine, terminalWidth, ttyLines } from './live-view.ts';
import type { LiveState } from './live-view.ts';
import { stepActiveLine } from './live-steps.ts';

/**
 * The one renderer of a run's output for people (docs/live-view.md). On a terminal it keeps a live
 * block at the bottom (running setup steps, the frame, the Ctrl-C notice) redrawn in place by
 * log-update, and prints every other line (fault events, finished steps, warnings) above it after
 * erasing the block, so nothing written during a run is overwritten or left half-erased. In a pipe
 * or CI log (or quiet) it prints plain lines, no cursor codes, the frame only every `intervalMs`.
 */

export interface LiveOutput {
  /** True when stdout is a terminal: the live block is drawn; false: plain lines. */
  isTTY: boolean;
  /** One plain line (no newline) to stdout / stderr. */
  out(line: string): void;
  err(line: string): void;
  /** Raw text to the terminal (TTY only): the live block's redraws. */
  write(raw: string): void;
  /** The terminal's size as it is now (it can change during a run); undefined or 0 when unknown. */
  columns(): number | undefined;
  rows(): number | undefined;
}

export interface LiveConsoleOptions {
  /** `--quiet`: no frame, no steps, no fault lines; warnings and the Ctrl-C notice still go to stderr. */
  quiet?: boolean;
  /** Least time between two frames. Default 500 ms on a TTY (frames come once a second), 9500 ms otherwise (one about every 10 s). */
  intervalMs?: number;
  /** TTY: how often a running step's elapsed time is redrawn (0: only on events). Default 1000 ms. */
  tickMs?: number;
  /** Injected for tests; default Date.now. */
  nowMs?: () => number;
}

export interface LiveConsole {
  /** A line kept above the live block (a fault injected, a step finished). */
  print(line: string): void;
  /** A line for stderr (warnings), kept above the live block as well. */
  warn(line: string): void;
  /** Kept at the bottom of the live block until the block is over, then left in the output. */
  notice(text: string): void;
  beginStep(key: string, label: string): void;
  /** Ends a running step; `line` (e.g. "✓ starting PostgreSQL 2.1 s") stays in the output. */
  endStep(key: string, line: string): void;
  /** The latest frame; drawn when `intervalMs` has passed since the last one, or at once when forced. */
  frame(state: LiveState, force?: boolean): void;
  /** The load is over: the last frame (and any notice) is drawn, left in the output, and updates stop. */
  endFrame(final?: LiveState): void;
  /** Leaves everything shown in the output and stops redrawing. */
  close(): void;
}

export function createLiveConsole(output: LiveOutput, options: LiveConsoleOptions = {}): LiveConsole {
  const quiet = options.quiet === true;
  const tty = output.isTTY && !quiet;
  // Frames come once a second (RunObserver.onSecond) with timer jitter: a throttle of exactly 1 s (or
  // 10 s) would drop every other one that came a few ms early, so each is a little shorter.
  const interval = options.intervalMs ?? (tty ? 500 : 9_500);
  const now = options.nowMs ?? Date.now;
  const tickMs = options.tickMs ?? 1000;
  const steps = new Map<string, { label: string; startMs: number }>();
  let notices: string[] = [];
  let latest: LiveState | null = null;
  let frameLive = false;
  let lastFrameMs = Number.NEGATIVE_INFINITY;
  let heldBack = false;
  let ticker: NodeJS.Timeout | null = null;
  // A shim with a sane size: log-update wraps at `columns` and keeps the last `rows` lines.
  const stream = {
    write: (text: string) => output.write(text),
    get columns() {
      return terminalWidth(output.columns());
    },
    get rows() {
      const rows = output.rows();
      return rows !== undefined && rows >= 1 ? rows : 24;
    },
  };
  // showCursor: a hidden cursor needs a global exit hook to come back; a killed run would leave it hidden.
  const block = tty ? createLogUpdate(stream as unknown as NodeJS.WriteStream, { showCursor: true }) : null;

  const blockLines = (): string[] => [
    ...[...steps.values()].map((s) => stepActiveLine(s.label, now() - s.startMs)),
    ...(frameLive && latest !== null ? ttyLines(latest, output.columns()) : []),
    ...notices,
  ];
  const redraw = (): void => {
    if (block === null) return;
    const lines = fitLines(blockLines(), output.columns());
    if (lines.length === 0) block.clear();
    else block(lines.join('\n'));
  };
  /** Makes what the block shows permanent (when nothing in it will change any more). */
  const settle = (): void => {
    if (block === null || steps.size > 0 || frameLive) return;
    if (notices.length > 0) {
      block.clear();
      for (const n of notices) output.out(n);
      notices = [];
    }
  };
  const above = (write: () => void): void => {
    block?.clear();
    write();
    redraw();
  };
  const tick = (): void => {
    if (block === null || tickMs <= 0) return;
    if (steps.size > 0 && ticker === null) {
      ticker = setInterval(redraw, tickMs);
      ticker.unref();
    } else if (steps.size === 0 && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  };
  const drawFrame = (state: LiveState): void => {
    lastFrameMs = now();
    heldBack = false;
    if (quiet) return;
    if (tty) redraw();
    else output.out(plainLine(state));
  };

  /** The load is over: the last frame (and any notice) is left in the output, and updates stop. */
  function endFrame(final?: LiveState): void {
    if (!frameLive) return;
    if (final !== undefined) latest = final;
    if (!tty) {
      if ((heldBack || final !== undefined) && latest !== null) drawFrame(latest);
    } else if (block !== null && latest !== null) {
      // The last frame stays in the output as it was last drawn, with the notices under it.
      const lines = fitLines([...ttyLines(latest, output.columns()), ...notices], output.columns());
      const active = [...steps.values()].map((s) => stepActiveLine(s.label, now() - s.startMs));
      block.clear();
      for (const l of lines) output.out(l);
      notices = [];
      if (active.length > 0) block(active.join('\n'));
    }
    frameLive = false;
    heldBack = false;
  }

  return {
    print(line) {
      if (quiet) return;
      if (block === null) output.out(line);
      else above(() => output.out(line));
    },
    warn(line) {
      if (block === null) output.err(line);
      else above(() => output.err(line));
    },
    notice(text) {
      const lines = text.replace(/^\n+/, '').split('\n');
      // Plain: a line in the log is never erased. TTY: in the block, so no redraw can lose it.
      if (block === null || (steps.size === 0 && !frameLive)) {
        if (block === null) for (const l of lines) output.err(l);
        else above(() => lines.forEach((l) => output.out(l)));
        return;
      }
      notices.push(...lines);
      redraw();
    },
    beginStep(key, label) {
      steps.set(key, { label, startMs: now() });
      if (quiet) return;
      if (block === null) output.out(`${label}…`);
      else redraw();
      tick();
    },
    endStep(key, line) {
      if (!steps.delete(key)) return;
      tick();
      if (quiet) return;
      if (block === null) output.out(line);
      else above(() => output.out(line));
      settle();
    },
    frame(state, force = false) {
      latest = state;
      frameLive = true;
      if (force || now() - lastFrameMs >= interval) drawFrame(state);
      else heldBack = true;
    },
    endFrame,
    close() {
      endFrame();
      steps.clear();
      tick();
      redraw();
      settle();
    },
  };
}
