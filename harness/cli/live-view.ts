import { formatClockSeconds } from '../core/duration.ts';
/**
 * What a person at the terminal sees while a run goes on, as pure functions of plain data: the
 * frame (progress bar, rps, p95, error rate, the active or last removed fault, recovery status) as
 * lines for a given width, and the one-line form for logs. live-console.ts draws them.
 */

export interface ActiveFault {
  name: string;
  kind: string;
  remainingMs: number;
}

export interface RemovedFault {
  name: string;
  kind: string;
  /** When it was removed, on the run clock. */
  atMs: number;
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
  /** The fault removed last, shown while none is active (so a removal is seen, not guessed). */
  removedFault?: RemovedFault | null;
  /** e.g. "recovering 3/5 healthy s"; null when there is nothing to recover from. */
  recovery: string | null;
  phase: string | null;
  /** Set once the managed target died (e.g. "exited with signal SIGKILL at 0:15"); absent while it lives. */
  targetDown?: string | null;
  /** Set in the last frame: how the load ended ("done", "stopped: interrupted by SIGINT"); replaces the countdown. */
  ended?: string | null;
}

export interface RenderOptions {
  /** Terminal columns (0 or undefined: unknown, see terminalWidth); lines are cut to fit so a redraw never wraps. */
  width: number | undefined;
  tty: boolean;
}

const MIN_BAR = 10;
const MAX_BAR = 40;
/** Assumed when the terminal does not say (`stty cols 0`, a pty without a size): the VT100 width. */
export const DEFAULT_COLUMNS = 80;
/** Narrower than this, lines are not cut further: the terminal wraps them, which beats a frame of `…`. */
const MIN_LINE = 19;

/** The columns to lay out for: the terminal's, or 80 when it reports 0, nothing or nonsense. */
export function terminalWidth(columns: number | undefined): number {
  return columns !== undefined && Number.isFinite(columns) && columns >= 1 ? Math.floor(columns) : DEFAULT_COLUMNS;
}

export function renderLiveView(state: LiveState, options: RenderOptions): string {
  return options.tty ? ttyLines(state, options.width).join('\n') : plainLine(state);
}

/** The TTY frame as lines (no newlines inside), each at most `width - 1` columns (but at least 19). */
export function ttyLines(state: LiveState, columns: number | undefined): string[] {
  const width = terminalWidth(columns);
  const elapsed = clamp(state.elapsedMs, 0, state.totalMs);
  const fraction = state.totalMs > 0 ? elapsed / state.totalMs : 0;
  const status = state.ended ? state.ended : `${clock(state.totalMs - elapsed)} left${state.phase ? `  ${state.phase}` : ''}`;
  const tail = ` ${clockAt(elapsed)} / ${clock(state.totalMs)}  ${Math.floor(fraction * 100)}%  ${status}`;
  const barWidth = clamp(width - 1 - 2 - tail.length, MIN_BAR, MAX_BAR);
  const filled = Math.round(fraction * barWidth);
  const first = `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]${tail}`;
  const second = `${rate(state.rps)} rps   p95 ${ms(state.p95Ms)}   errors ${percent(state.errorRate)}`;
  const lines = [first, second];
  const fault = faultText(state);
  if (fault !== null || state.recovery !== null) lines.push(`${fault ?? 'no fault active'}${state.recovery ? `   ${state.recovery}` : ''}`);
  if (state.targetDown) lines.push(`TARGET DOWN: ${state.targetDown}`);
  return lines.map((l) => cut(l, Math.max(MIN_LINE, width - 1)));
}

function faultText(state: LiveState): string | null {
  if (state.activeFault !== null) return `fault ${state.activeFault.name} (${state.activeFault.kind}) ${clock(state.activeFault.remainingMs)} left`;
  if (state.removedFault) return `fault ${state.removedFault.name} (${state.removedFault.kind}) removed at ${clockAt(state.removedFault.atMs)}`;
  return null;
}

/** One line for logs: greppable key=value pairs, no control characters. */
export function plainLine(state: LiveState): string {
  const elapsed = clamp(state.elapsedMs, 0, state.totalMs);
  const pct = state.totalMs > 0 ? Math.floor((elapsed / state.totalMs) * 100) : 0;
  const parts = [
    `[${clockAt(elapsed)}/${clock(state.totalMs)} ${pct}%]`,
    ...(state.ended ? [`ended="${state.ended}"`] : state.phase ? [`phase=${state.phase}`] : []),
    `rps=${rate(state.rps)}`,
    `p95=${ms(state.p95Ms).replace(' ', '')}`,
    `errors=${percent(state.errorRate)}`,
    state.activeFault !== null ? `fault=${state.activeFault.name} left=${clock(state.activeFault.remainingMs)}`
    : state.removedFault ? `fault=none removed=${state.removedFault.name}@${clockAt(state.removedFault.atMs)}`
    : 'fault=none',
    ...(state.recovery ? [`recovery="${state.recovery}"`] : []),
    ...(state.targetDown ? [`target="down: ${state.targetDown}"`] : []),
  ];
  return parts.join(' ');
}

/** Lines wider than the terminal are cut (with …), so each takes one row and a redraw erases exactly what it drew. */
export function fitLines(lines: readonly string[], columns: number | undefined): string[] {
  const width = Math.max(MIN_LINE, terminalWidth(columns) - 1);
  return lines.map((l) => cut(l, width));
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/** m:ss or h:mm:ss, rounded up so a countdown reaches 0:00 only when it is over. */
export function clock(msValue: number): string {
  return formatClockSeconds(Math.ceil(msValue / 1000));
}

/** A moment on the run clock (m:ss, rounded down: the second it happened in). */
export function clockAt(msValue: number): string {
  return formatClockSeconds(Math.max(0, Math.floor(msValue / 1000)));
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
