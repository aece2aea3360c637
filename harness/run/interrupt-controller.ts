import type { EventEmitter } from 'node:events';
import { ExitCode } from '../core/exit-codes.ts';

/**
 * Ctrl-C semantics of a run as a state machine that needs no real signals to test:
 * 1st interrupt → graceful: `signal` aborts, the runner rolls back faults, stops the load,
 *   writes partial results and exits 3;
 * 2nd → roll back faults now (bounded by `rollbackTimeoutMs`) and exit 3 without results;
 * 3rd (a rollback that hangs) → exit 3 at once.
 * `attach(process)` routes SIGINT and SIGTERM here.
 */

export type InterruptState = 'running' | 'stopping' | 'exiting';

export interface InterruptActions {
  /** Printed for the person pressing Ctrl-C (stderr). */
  notify(text: string): void;
  /** Removes every active fault (the ledger's rollback); must be safe to call while a graceful stop also rolls back. */
  rollback(): Promise<void>;
  /** Ends the process: `process.exit` in the CLI, a recorder in tests. */
  exit(code: ExitCode): void;
}

export interface InterruptControllerOptions {
  /** How long the 2nd interrupt waits for the rollback before exiting anyway. Default 10 s. */
  rollbackTimeoutMs?: number;
}

export class InterruptController {
  readonly #actions: InterruptActions;
  readonly #abort = new AbortController();
  readonly #rollbackTimeoutMs: number;
  #state: InterruptState = 'running';
  #exited = false;

  constructor(actions: InterruptActions, options: InterruptControllerOptions = {}) {
    this.#actions = actions;
    this.#rollbackTimeoutMs = options.rollbackTimeoutMs ?? 10_000;
  }

  /** Aborts on the first interrupt: hand it to the runner as its stop signal. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get state(): InterruptState {
    return this.#state;
  }

  /** One SIGINT/SIGTERM (or a test pretending to be one). */
  handle(signal: NodeJS.Signals): void {
    switch (this.#state) {
      case 'running':
        this.#state = 'stopping';
        this.#actions.notify(`\n${signal}: rolling back faults, stopping the load and writing partial results (Ctrl-C again to exit at once)…`);
        this.#abort.abort(new Error(`interrupted by ${signal}`));
        return;
      case 'stopping':
        this.#state = 'exiting';
        this.#actions.notify(`${signal} again: rolling back faults and exiting without results (Ctrl-C once more to skip the rollback)…`);
        void this.#rollbackThenExit();
        return;
      case 'exiting':
        this.#actions.notify(`${signal}: exiting now; run \`stresslab faults cleanup\` if faults were left behind.`);
        this.#exit();
        return;
    }
  }

  /** Routes SIGINT and SIGTERM of `proc` (normally `process`) here; returns the detach function. */
  attach(proc: Pick<EventEmitter, 'on' | 'off'>): () => void {
    const handler = (signal: NodeJS.Signals): void => this.handle(signal);
    proc.on('SIGINT', handler);
    proc.on('SIGTERM', handler);
    return () => {
      proc.off('SIGINT', handler);
      proc.off('SIGTERM', handler);
      // An interrupted run that has already stopped (its faults rolled back, its results written) may
      // still be printing when the next Ctrl-C comes: that press exits 3 at once, as during the run,
      // instead of killing the process with the signal (exit code unset).
      if (this.#state === 'running') return;
      const late = (signal: NodeJS.Signals): void => {
        proc.off('SIGINT', late);
        proc.off('SIGTERM', late);
        this.#actions.notify(`${signal} again: the run has already stopped; exiting.`);
        this.#exit();
      };
      proc.on('SIGINT', late);
      proc.on('SIGTERM', late);
    };
  }

  async #rollbackThenExit(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#rollbackTimeoutMs);
    });
    try {
      const outcome = await Promise.race([this.#actions.rollback().then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') this.#actions.notify(`rollback did not finish within ${this.#rollbackTimeoutMs} ms; run \`stresslab faults cleanup\`.`);
    } catch (e) {
      this.#actions.notify(`rollback failed: ${e instanceof Error ? e.message : String(e)}; run \`stresslab faults cleanup\`.`);
    } finally {
      clearTimeout(timer);
      this.#exit();
    }
  }

  #exit(): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#actions.exit(ExitCode.aborted);
  }
}
