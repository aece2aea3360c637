import type { ExecutorName } from '../contract/plan-types.ts';
import { arrivalEngine } from './arrival-engine.ts';
import { autocannonEngine } from './autocannon-engine.ts';
import type { LoadEngine } from './engine.ts';

/** Which engine runs each k6 executor: the open model on raw sockets (connection-pool.ts), the closed model on autocannon. */
export const ENGINES: Readonly<Record<ExecutorName, LoadEngine>> = {
  'constant-arrival-rate': arrivalEngine,
  'ramping-arrival-rate': arrivalEngine,
  'constant-vus': autocannonEngine,
  'ramping-vus': autocannonEngine,
  'shared-iterations': autocannonEngine,
  'per-vu-iterations': autocannonEngine,
};

export function engineFor(executor: ExecutorName): LoadEngine {
  return ENGINES[executor];
}

export { arrivalEngine } from './arrival-engine.ts';
export { ArrivalSchedule } from './arrival-schedule.ts';
export { autocannonEngine } from './autocannon-engine.ts';
export { rampingVuSteps, RAMP_STEP_MS } from './closed-steps.ts';
export type { VuStep } from './closed-steps.ts';
export { classifyError, isExpectedStatus, RequestTimeoutError } from './error-kind.ts';
export type { EngineContext, LoadEngine, OutcomeSink, PhaseRunSummary, PreparedRequest, RequestFactory, RequestOutcome } from './engine.ts';
