import type { LoadPhase } from '../scenario/schema-load.ts';
import { phaseName } from '../scenario/schema-load.ts';
import { durationMs } from '../core/duration.ts';
import type { LoadPhasePlan, StagePlan } from '../contract/plan-types.ts';

/** One scenario load entry on the run clock, rates normalised to per second. */
export function planPhase(p: LoadPhase, index: number): LoadPhasePlan {
  const base = { name: phaseName(p, index), startMs: durationMs(p.startTime), gracefulStopMs: durationMs(p.gracefulStop) };
  switch (p.executor) {
    case 'constant-arrival-rate': {
      const perSec = 1000 / durationMs(p.timeUnit);
      return { executor: p.executor, ...base, durationMs: durationMs(p.duration), ratePerSec: p.rate * perSec, ...vuPool(p) };
    }
    case 'ramping-arrival-rate': {
      const perSec = 1000 / durationMs(p.timeUnit);
      const stages = planStages(p.stages, perSec);
      return { executor: p.executor, ...base, durationMs: total(stages), startRatePerSec: p.startRate * perSec, stages, ...vuPool(p) };
    }
    case 'constant-vus':
      return { executor: p.executor, ...base, durationMs: durationMs(p.duration), vus: p.vus };
    case 'ramping-vus': {
      const stages = planStages(p.stages, 1);
      return { executor: p.executor, ...base, durationMs: total(stages), startVUs: p.startVUs, stages };
    }
    case 'shared-iterations':
    case 'per-vu-iterations':
      return { executor: p.executor, ...base, durationMs: durationMs(p.maxDuration), vus: p.vus, iterations: p.iterations };
  }
}

function vuPool(p: { preAllocatedVUs: number; maxVUs?: number | undefined }): { preAllocatedVUs: number; maxVUs: number } {
  return { preAllocatedVUs: p.preAllocatedVUs, maxVUs: p.maxVUs ?? p.preAllocatedVUs };
}

function planStages(stages: readonly { target: number; duration: string }[], factor: number): StagePlan[] {
  return stages.map((s) => ({ target: s.target * factor, durationMs: durationMs(s.duration) }));
}

function total(stages: readonly StagePlan[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}
