import type { LoadPhase } from '../scenario/schema-load.ts';
import type { LoadPhasePlan, StagePlan } from '../contract/plan-types.ts';

/** One resolved load phase on the run clock, rates normalised to per second. */
export function planPhase(p: LoadPhase): LoadPhasePlan {
  const base = { name: p.name, startMs: p.startTimeMs, gracefulStopMs: p.gracefulStopMs };
  switch (p.executor) {
    case 'constant-arrival-rate': {
      const perSec = 1000 / p.timeUnitMs;
      return { executor: p.executor, ...base, durationMs: p.durationMs, ratePerSec: p.rate * perSec, ...vuPool(p) };
    }
    case 'ramping-arrival-rate': {
      const perSec = 1000 / p.timeUnitMs;
      const stages = planStages(p.stages, perSec);
      return { executor: p.executor, ...base, durationMs: total(stages), startRatePerSec: p.startRate * perSec, stages, ...vuPool(p) };
    }
    case 'constant-vus':
      return { executor: p.executor, ...base, durationMs: p.durationMs, vus: p.vus };
    case 'ramping-vus': {
      const stages = planStages(p.stages, 1);
      return { executor: p.executor, ...base, durationMs: total(stages), startVUs: p.startVUs, stages };
    }
    case 'shared-iterations':
    case 'per-vu-iterations':
      return { executor: p.executor, ...base, durationMs: p.maxDurationMs, vus: p.vus, iterations: p.iterations };
  }
}

function vuPool(p: { preAllocatedVUs: number; maxVUs?: number | undefined }): { preAllocatedVUs: number; maxVUs: number } {
  return { preAllocatedVUs: p.preAllocatedVUs, maxVUs: p.maxVUs ?? p.preAllocatedVUs };
}

function planStages(stages: readonly { target: number; durationMs: number }[], factor: number): StagePlan[] {
  return stages.map((s) => ({ target: s.target * factor, durationMs: s.durationMs }));
}

function total(stages: readonly StagePlan[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}
