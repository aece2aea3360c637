import type { RunStep, RunStepEvent } from './run-observer.ts';

/** Where a step's begin and end go: a RunObserver's onStep, or a setup function's option. */
export type StepSink = ((event: RunStepEvent) => void) | undefined;

/**
 * Runs `work` as one observed step: `begin` before, `done` after, `failed` (and the error rethrown)
 * when it throws. A sink that throws is ignored: watching a run must never break it.
 */
export async function observeStep<T>(sink: StepSink, step: RunStep, work: () => Promise<T>, detail?: string): Promise<T> {
  tell(sink, { step, status: 'begin', ...(detail === undefined ? {} : { detail }) });
  try {
    const value = await work();
    tell(sink, { step, status: 'done' });
    return value;
  } catch (e) {
    tell(sink, { step, status: 'failed', detail: e instanceof Error ? e.message : String(e) });
    throw e;
  }
}

function tell(sink: StepSink, event: RunStepEvent): void {
  try {
    sink?.(event);
  } catch {
    // An observer's bug is not the run's failure.
  }
}
