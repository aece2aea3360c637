import type { SecondPoint } from '../contract/second-point.ts';
import type { FaultPlan } from '../faults/index.ts';
import type { TargetExit } from '../contract/target-exit.ts';

/**
 * The steps before the load starts and after it ends, in the order they usually come. The runner
 * names them; the CLI words them (cli/live-steps.ts).
 */
export type RunStep =
  | 'cleanup' // faults and processes a killed earlier run left behind
  | 'toxiproxy' // starting the embedded Toxiproxy, or reaching a real one
  | 'postgres' // starting the embedded PostgreSQL
  | 'target' // starting the target (embedded reference service or target.start) until it answers healthy
  | 'healthy' // waiting for a running target (or the proxy in front of it) to answer healthy
  | 'load-workers' // starting the load's worker threads
  | 'calibration' // resource sampler and machine-speed probe getting ready
  | 'start-at' // waiting for --start-at
  | 'audit' // the integrity audit after the load
  | 'reports' // writing the run record, analysing, writing reports
  | 'stop-target'; // stopping what the run started (target, database, proxy)

export interface RunStepEvent {
  step: RunStep;
  /** `begin` then exactly one of `done` or `failed` (with the error's message as detail). */
  status: 'begin' | 'done' | 'failed';
  /** What the step acts on (a URL, a port), or why it failed. */
  detail?: string;
}

/**
 * What a run tells whoever watches it, as it happens. The runner never prints: the CLI passes an
 * observer that draws the live view (cli/live-observer.ts), the library API may pass its own or none.
 * Every method is optional and must not throw; times are on the run clock (ms from the load's start).
 */
export interface RunObserver {
  /** A setup or teardown step begins or ends (before onStart and after onEnd). */
  onStep?(event: RunStepEvent): void;
  /** The load is about to start: the plan that runs, and where its record goes. */
  onStart?(event: { plan: FaultPlan; runId: string; runDir: string }): void;
  /** A second closed (in order of `t`). `elapsedMs` is the run clock when it closed. */
  onSecond?(event: { second: SecondPoint; elapsedMs: number }): void;
  onPhase?(event: { event: 'phase-start' | 'phase-end'; name: string; atMs: number }): void;
  onFault?(event: { event: 'fault-inject' | 'fault-remove' | 'fault-error'; name: string; kind: string; atMs: number; detail?: string }): void;
  /**
   * The managed target's process exited: at once, with its code or signal. `expected` when a
   * process fault asked for it; an expected exit whose target was not running again when the
   * faults were over is told a second time with `expected: false` and detail `not restarted`.
   */
  onTargetExit?(event: TargetExit & { detail: string | null }): void;
  /** Something a person should know that does not stop the run (a sampler unavailable, a cleanup). */
  onWarning?(message: string): void;
  /** What a fault driver did (a toxic added, a process started), for whoever follows it closely. */
  onLog?(message: string): void;
  /** The load and every fault are over (rolled back); analysis and reports follow. */
  onEnd?(event: { endMs: number; abortReason: string | null }): void;
}
