import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../core/clock.ts';
import type { EngineContext, LoadEngine, PhaseRunSummary } from '../load/engine.ts';
import type { ExecutorName, LoadPhasePlan } from '../contract/plan-types.ts';

export interface PhaseOutcome {
  phase: LoadPhasePlan;
  summary: PhaseRunSummary | null;
  /** Set when the engine itself threw (a harness bug or environment problem, not a target failure). */
  error: Error | null;
}

/**
 * Starts every phase at its `startMs` on the run clock (k6 `startTime`), each with its engine,
 * and resolves when all have finished. Aborting stops phases not yet started.
 */
export async function runPhases(
  phases: readonly LoadPhasePlan[],
  deps: {
    clock: Clock;
    engineFor: (executor: ExecutorName) => LoadEngine;
    contextFor: (phase: LoadPhasePlan) => EngineContext;
    signal: AbortSignal;
    onPhaseStart?: (phase: LoadPhasePlan) => void;
    onPhaseEnd?: (phase: LoadPhasePlan) => void;
  },
): Promise<PhaseOutcome[]> {
  return Promise.all(
    phases.map(async (phase): Promise<PhaseOutcome> => {
      const waitMs = phase.startMs - deps.clock.nowMs();
      if (waitMs > 0) {
        try {
          await sleep(waitMs, undefined, { signal: deps.signal });
        } catch {
          return { phase, summary: null, error: null };
        }
      }
      if (deps.signal.aborted) return { phase, summary: null, error: null };
      deps.onPhaseStart?.(phase);
      try {
        const summary = await deps.engineFor(phase.executor).run(phase, deps.contextFor(phase));
        return { phase, summary, error: null };
      } catch (e) {
        return { phase, summary: null, error: e instanceof Error ? e : new Error(String(e)) };
      } finally {
        deps.onPhaseEnd?.(phase);
      }
    }),
  );
}
