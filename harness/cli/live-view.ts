import { formatClockSeconds } from '../core/duration.ts';
/**
 * What a person at the terminal sees while a run goes on: a frame redrawn in place (progress bar,
 * rps, p95, error rate, the active fault's countdown, recovery status). When stdout is not a
 * terminal (CI logs), one plain line every few seconds instead, so logs stay readable.
 */

export interface ActiveFault {
  name: string;
  kind: string;
  remainingMs: number;
}

export interface LiveState {
  elapsedMs: number;
  totalMs: number;
  /** Requests in the last closed second; null before the first closes. */
  rps: number | null;
  p95Ms: number | null;
  /** 0…1 over the last closed second. */
  errorRate: number | null;
  activeFault: ActiveFault | null;
  /** e.g. "recovering 3/5 healthy s"; null when there is nothing to recover from. */
  recovery: string | null;
  phase: string | null;
  /** Set once the managed target died (e.g. "exited with signal SIGKILL at 0:15"); absent while it lives. */
  targetDown?: string | null;
}

export interface RenderOptions {
  /** Terminal columns; lines are cut to fit so a redraw never wraps. */
  width: number;
  tty: boolean;
}

const MIN_BAR = 10;
const MAX_BAR = 40;

export function renderLiveView(state: LiveState, options: RenderOptions): string {
  return options.tty ? ttyLines(state, options.width).join('\n') : plainLine(state);
}

/** The TTY frame as lines (no newlines inside), each at most `width - 1` columns. */
export function ttyLines(state: LiveState, width: number): string[] {
  const elapsed = clamp(state.elapsedMs, 0, state.totalMs);
  const fraction = state.totalMs > 0 ? elapsed / state.totalMs : 0;
  const tail = ` ${clock(elapsed)} / ${clock(state.totalMs)}  ${Math.floor(fraction * 100)}%  ${clock(state.totalMs - elapsed)} left${state.phase ? `  ${state.phase}` : ''}`;
  const barWidth = clamp(width - 1 - 2 - tail.length, MIN_BAR, MAX_BAR);
  const filled = Math.round(fraction * barWidth);
  const first = `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]${tail}`;
  const second = `${rate(state.rps)} rps   p95 ${ms(state.p95Ms)}   errors ${percent(state.errorRate)}`;
  const lines = [first, second];
  if (state.activeFault !== null || state.recovery !== null) {
    const fault = state.activeFault === null ? 'no fault active' : `fault ${state.activeFault.name} (${state.activeFault.kind}) ${clock(state.activeFault.remainingMs)} left`;
    lines.push(`${fault}${state.recovery ? `   ${state.recovery}` : ''}`);
  }
  if (state.targetDown) lines.push(`TARGET DOWN: ${state.targetDown}`);
  return lines.map((l) => cut(l, width - 1));
}

/** One line for logs: greppable key=value pairs, no control characters. */
export function plainLine(state: LiveState): string {
  const elapsed = clamp(state.elapsedMs, 0, state.totalMs);
  const pct = state.totalMs > 0 ? Math.floor((elapsed / state.totalMs) * 100) : 0;
  const parts = [
    `[${clock(elapsed)}/${clock(state.totalMs)} ${pct}%]`,
    ...(state.phase ? [`phase=${state.phase}`] : []),
    `rps=${rate(state.rps)}`,
    `p95=${ms(state.p95Ms).replace(' ', '')}`,
    `errors=${percent(state.errorRate)}`,
    state.activeFault === null ? 'fault=none' : `fault=${state.activeFault.name} left=${clock(state.activeFault.remainingMs)}`,
    ...(state.recovery ? [`recovery="${state.recovery}"`] : []),
    ...(state.targetDown ? [`target="down: ${state.targetDown}"`] : []),
  ];
  return parts.join(' ');
}

export interface LiveViewIo {
  write(text: string): void;
  isTTY: boolean;
  columns?: number | undefined;
}

export interface LiveViewOptions {
  /** Least time between two draws. Default 1000 ms on a TTY, 10000 ms otherwise. */
  intervalMs?: number;
  /** Injected for tests; default Date.now. */
  nowMs?: () => number;
}

export interface LiveView {
  /** Records the latest state; draws it when the interval has passed (or a fault starts or ends). */
  update(state: LiveState): void;
  /** Prints a message above the frame (a fault injected, a warning) without breaking it. */
  print(text: string): void;
  /** Draws the last state if not drawn yet and leaves the cursor below the frame. */
  stop(): void;
}

const ESC = '\u001b[';
const CLEAR_LINE = `${ESC}2K`;

export function createLiveView(io: LiveViewIo, options: LiveViewOptions = {}): LiveView {
  const interval = options.intervalMs ?? (io.isTTY ? 1000 : 10_000);
  const now = options.nowMs ?? Date.now;
  let drawnLines = 0;
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  let latest: LiveState | null = null;
  let drawn = true;
  let lastFault: string | null = null;
  let stopped = false;

  const erase = (): string => (drawnLines === 0 ? '' : `${ESC}${drawnLines}A${`${CLEAR_LINE}\n`.repeat(drawnLines)}${ESC}${drawnLines}A`);
  const draw = (state: LiveState): void => {
    lastDrawMs = now();
    drawn = true;
    if (!io.isTTY) {
      io.write(`${plainLine(state)}\n`);
      return;
    }
    const lines = ttyLines(state, io.columns ?? 80);
    // Up to the frame's first line, then each line cleared and rewritten: no flicker, no scroll.
    const up = drawnLines > 0 ? `${ESC}${drawnLines}A` : '';
    const extra = drawnLines > lines.length ? `${CLEAR_LINE}\n`.repeat(drawnLines - lines.length) + `${ESC}${drawnLines - lines.length}A` : '';
    io.write(`${up}${lines.map((l) => `\r${CLEAR_LINE}${l}\n`).join('')}${extra}`);
    drawnLines = lines.length;
  };

  return {
    update(state) {
      if (stopped) return;
      latest = state;
      drawn = false;
      const fault = state.activeFault?.name ?? null;
      const faultChanged = fault !== lastFault;
      lastFault = fault;
      if (faultChanged || now() - lastDrawMs >= interval) draw(state);
    },
    print(text) {
      if (stopped || !io.isTTY) {
        io.write(`${text}\n`);
        return;
      }
      io.write(`${erase()}${text}\n`);
      drawnLines = 0;
      if (latest !== null) draw(latest);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (latest !== null && !drawn) draw(latest);
    },
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/** m:ss or h:mm:ss, rounded up so a countdown reaches 0:00 only when it is over. */
export function clock(msValue: number): string {
  return formatClockSeconds(Math.ceil(msValue / 1000));
}

function rate(rps: number | null): string {
  return rps === null ? '–' : rps >= 100 ? rps.toFixed(0) : rps.toFixed(1);
}

function ms(value: number | null): string {
  return value === null ? '–' : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;
}

function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(value >= 0.1 ? 0 : 2)}%`;
}

function cut(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}
