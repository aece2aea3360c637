import type { RunObserver } from '../run/run-observer.ts';
import type { FaultPlan } from '../faults/index.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import type { CliIo } from './command.ts';
import { LiveFaults, LiveRecovery, liveStateAt } from './live-state.ts';
import { createLiveConsole } from './live-console.ts';
import type { LiveConsole } from './live-console.ts';
import { stepDoneLine, stepLabel } from './live-steps.ts';
import { exitHow, runClock } from '../contract/target-exit.ts';
import { redactText } from '../core/redact.ts';

export interface LiveObserverOptions {
  /** How long traffic must be healthy to count as recovered (the scenario's recovery.healthyFor, ms). */
  healthyForMs: number;
  /** The terminal's width now (process.stdout.columns), undefined or 0 when unknown (80 is assumed). */
  columns: () => number | undefined;
  /** The terminal's height now (process.stdout.rows). */
  rows?: () => number | undefined;
  /** `--quiet`: no live view, no steps, no fault lines; warnings and the Ctrl-C notice still reach stderr. */
  quiet?: boolean;
  /** Where the TTY redraws go; default process.stdout. Only used when `io.isTTY`. */
  write?: (raw: string) => void;
  /** Injected for tests; default Date.now. */
  nowMs?: () => number;
  /** Least time between two frames (default 0.5 s on a terminal, where frames come once a second; 9.5 s in a log). */
  intervalMs?: number;
  /** TTY: how often a running step's time is redrawn (0: never; tests). Default 1000 ms. */
  tickMs?: number;
}

/** The CLI's RunObserver, plus the way in for what the command itself has to say during the run. */
export interface LiveObserver extends RunObserver {
  /** The Ctrl-C notice (interrupt-controller.ts): kept in view until the run ends, then left in the output. */
  notice(text: string): void;
  /** Leaves whatever is still shown in the output (after the last run, or when a run threw). */
  close(): void;
}

/**
 * The CLI's RunObserver: every message of a run goes through one LiveConsole (live-console.ts):
 * setup steps as they happen, the live frame, fault events, warnings and the Ctrl-C notice.
 */
export function liveObserver(io: CliIo, options: LiveObserverOptions): LiveObserver {
  const now = options.nowMs ?? Date.now;
  const write = options.write ?? ((raw: string) => void process.stdout.write(raw));
  const view: LiveConsole = createLiveConsole(
    {
      isTTY: io.isTTY,
      out: (line) => io.out(line),
      err: (line) => io.err(line),
      // Redraws bypass io.out (no newline of their own), so they are redacted here as io.out's lines are.
      write: (raw) => write(redactText(raw)),
      columns: options.columns,
      rows: options.rows ?? (() => process.stdout.rows),
    },
    {
      ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
      ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
      ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
      nowMs: now,
    },
  );
  const steps = new Map<string, { label: string; startMs: number }>();
  let run: { plan: FaultPlan; recovery: LiveRecovery; faults: LiveFaults; second: SecondPoint | null; elapsedMs: number } | null = null;
  let targetDown: string | null = null;
  const state = () => (run === null ? null : liveStateAt({ plan: run.plan, elapsedMs: run.elapsedMs, second: run.second, recovery: run.recovery.status(run.elapsedMs), targetDown, faults: run.faults }));
  const redraw = (force: boolean): void => {
    const s = state();
    if (s !== null) view.frame(s, force);
  };
  return {
    onStep(e) {
      if (e.status === 'begin') {
        const label = stepLabel(e.step, e.detail);
        steps.set(e.step, { label, startMs: now() });
        view.beginStep(e.step, label);
        return;
      }
      const begun = steps.get(e.step);
      steps.delete(e.step);
      view.endStep(e.step, stepDoneLine(begun?.label ?? stepLabel(e.step), e, begun === undefined ? 0 : now() - begun.startMs));
    },
    onStart(e) {
      // The live view judges closed seconds, so the rule is rounded up to whole ones there.
      const recovery = new LiveRecovery(e.plan, { healthyBuckets: Math.max(1, Math.ceil(options.healthyForMs / 1000)) });
      run = { plan: e.plan, recovery, faults: new LiveFaults(e.plan), second: null, elapsedMs: 0 };
      targetDown = null;
      redraw(true);
    },
    onSecond({ second, elapsedMs }) {
      if (run === null) return;
      run.recovery.add(second);
      run.second = second;
      run.elapsedMs = elapsedMs;
      redraw(false);
    },
    onFault(e) {
      // The frame changes first: the line printed above it redraws it, and must not redraw the old one.
      if (run !== null) {
        run.faults.onEvent(e);
        run.elapsedMs = Math.max(run.elapsedMs, e.atMs);
        redraw(true);
      }
      view.print(`${(e.atMs / 1000).toFixed(1)}s ${e.event} ${e.name}${e.detail ? `: ${e.detail}` : ''}`);
    },
    onTargetExit(e) {
      const how = `${exitHow(e)} at ${runClock(e.atMs)}`;
      if (e.expected) {
        view.print(`${(e.atMs / 1000).toFixed(1)}s target exited (${how}), ${e.detail ?? 'asked for by a fault'}`);
        return;
      }
      // Not asked for: the load now hits a dead port; say so above the frame and keep it in the frame.
      targetDown = `exited with ${how}${e.detail ? ` (${e.detail})` : ''}`;
      redraw(true);
      view.print(`${(e.atMs / 1000).toFixed(1)}s TARGET DOWN: the target ${targetDown}`);
    },
    onWarning(message) {
      view.warn(`warning: ${message}`);
    },
    onLog(message) {
      view.warn(message);
    },
    onEnd(e) {
      if (run === null) return;
      // Every fault is rolled back by now: the last frame must not show one as active.
      run.faults.endAll(e.endMs);
      run.elapsedMs = Math.max(run.elapsedMs, e.endMs);
      const last = state();
      run = null;
      view.endFrame(last === null ? undefined : { ...last, ended: e.abortReason === null ? 'done' : `stopped: ${e.abortReason}` });
    },
    notice(text) {
      view.notice(text);
    },
    close() {
      view.close();
    },
  };
}
