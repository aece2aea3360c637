import type { EventEmitter } from 'node:events';
import type { RunFailure, RunStage } from '../contract/run-record.ts';

export type { RunFailure, RunStage };

/**
 * The run's one failure path. Whatever fails once the load has started (a write, the audit, the
 * analysis, a report, an uncaught exception anywhere in the process) is recorded here and aborts
 * `signal`; the run then takes the same way out as Ctrl-C: stop the load, roll back every fault,
 * stop what it started, write what was measured, verdict `error`, exit 5.
 */
export class RunFailures {
  readonly #abort = new AbortController();
  readonly #all: RunFailure[] = [];

  /** Aborted at the first failure: the run stops its load on it. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The first failure (what stopped the run), or null. */
  get first(): RunFailure | null {
    return this.#all[0] ?? null;
  }

  get all(): readonly RunFailure[] {
    return this.#all;
  }

  fail(stage: RunStage, error: unknown): RunFailure {
    const failure = describeFailure(stage, error);
    this.#all.push(failure);
    if (!this.#abort.signal.aborted) this.#abort.abort(new Error(failure.message));
    return failure;
  }

  /**
   * Routes uncaught exceptions and unhandled rejections of `proc` (normally `process`) here while a
   * run is on, instead of Node's default (print and exit 1, which CI reads as "a gate failed",
   * with faults still injected). Returns the detach function.
   */
  attach(proc: Pick<EventEmitter, 'on' | 'off'>): () => void {
    const onError = (e: unknown): void => void this.fail('uncaught', e);
    proc.on('uncaughtException', onError);
    proc.on('unhandledRejection', onError);
    return () => {
      proc.off('uncaughtException', onError);
      proc.off('unhandledRejection', onError);
    };
  }
}

export function describeFailure(stage: RunStage, error: unknown): RunFailure {
  const err = error instanceof Error ? error : new Error(String(error));
  const code = typeof (err as NodeJS.ErrnoException).code === 'string' ? ((err as NodeJS.ErrnoException).code as string) : null;
  return { stage, message: err.message, code };
}
