import type { RunObserver } from '../run/run-observer.ts';
import type { FaultPlan } from '../faults/index.ts';
import type { CliIo } from './command.ts';
import { LiveRecovery, liveStateAt } from './live-state.ts';
import { createLiveView } from './live-view.ts';
import type { LiveView } from './live-view.ts';
import { exitHow, runClock } from '../contract/target-exit.ts';

export interface LiveObserverOptions {
  /** How long traffic must be healthy to count as recovered (the scenario's recovery.healthyFor, ms). */
  healthyForMs: number;
  /** The terminal's width when the load starts (process.stdout.columns), undefined when unknown. */
  columns: () => number | undefined;
}

/**
 * The CLI's RunObserver: the live view (a redrawn frame on a terminal, a line every 10 s in a log),
 * fault events printed above it, warnings to stderr.
 */
export function liveObserver(io: CliIo, options: LiveObserverOptions): RunObserver {
  let view: LiveView | null = null;
  let recovery: LiveRecovery | null = null;
  let plan: FaultPlan | null = null;
  let targetDown: string | null = null;
  const print = (line: string): void => {
    if (view === null) io.out(line);
    else view.print(line);
  };
  return {
    onStart(e) {
      plan = e.plan;
      // The live view judges closed seconds, so the rule is rounded up to whole ones there.
      recovery = new LiveRecovery(e.plan, { healthyBuckets: Math.max(1, Math.ceil(options.healthyForMs / 1000)) });
      view = createLiveView({ write: (t) => io.out(t.replace(/\n$/, '')), isTTY: io.isTTY, columns: options.columns() });
    },
    onSecond({ second, elapsedMs }) {
      if (view === null || recovery === null || plan === null) return;
      recovery.add(second);
      view.update(liveStateAt({ plan, elapsedMs, second, recovery: recovery.status(elapsedMs), targetDown }));
    },
    onFault(e) {
      const line = `${(e.atMs / 1000).toFixed(1)}s ${e.event} ${e.name}${e.detail ? `: ${e.detail}` : ''}`;
      if (view === null) io.out(line);
      else view.print(line);
    },
    onTargetExit(e) {
      const how = `${exitHow(e)} at ${runClock(e.atMs)}`;
      if (e.expected) {
        print(`${(e.atMs / 1000).toFixed(1)}s target exited (${how}), ${e.detail ?? 'asked for by a fault'}`);
        return;
      }
      // Not asked for: the load now hits a dead port; say so above the frame and keep it in the frame.
      targetDown = `exited with ${how}${e.detail ? ` (${e.detail})` : ''}`;
      print(`${(e.atMs / 1000).toFixed(1)}s TARGET DOWN: the target ${targetDown}`);
    },
    onWarning(message) {
      io.err(`warning: ${message}`);
    },
    onLog(message) {
      io.err(message);
    },
    onEnd() {
      view?.stop();
    },
  };
}
