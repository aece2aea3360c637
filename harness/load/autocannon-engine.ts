import type { LoadPhasePlan } from '../contract/plan-types.ts';
import { AutocannonStep } from './autocannon-step.ts';
import { rampingVuSteps } from './closed-steps.ts';
import type { VuStep } from './closed-steps.ts';
import type { EngineContext, LoadEngine, PhaseRunSummary } from './engine.ts';
import { segmentShare, WHOLE } from './execution-segment.ts';
import type { ExecutionSegment } from './execution-segment.ts';

export type ClosedPhase = Exclude<LoadPhasePlan, { executor: 'constant-arrival-rate' | 'ramping-arrival-rate' }>;

/** Resolves after `ms`, or at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Waits until `atMs` on the run clock. */
function until(atMs: number, ctx: EngineContext): Promise<void> {
  return sleep(atMs - ctx.clock.nowMs(), ctx.signal);
}

/**
 * Runs steps in sequence. A step ends softly (each connection finishes its request) and the next
 * one starts at once; after the last, in-flight requests get `gracefulStopMs`, then are given up
 * (reported as timeouts). An abort stops everything at once (in-flight reported as `cancelled`).
 */
async function runSteps(
  phase: ClosedPhase,
  steps: readonly VuStep[],
  amount: number | undefined,
  ctx: EngineContext,
  counters: PhaseRunSummary,
): Promise<void> {
  const live: AutocannonStep[] = [];
  const abort = (): void => live.forEach((s) => s.hardStop('cancelled'));
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    for (const step of steps) {
      await until(phase.startMs + step.startMs, ctx);
      if (ctx.signal.aborted) break;
      if (step.vus === 0) continue;
      const connections = amount === undefined ? step.vus : Math.min(step.vus, amount);
      const s = new AutocannonStep({ connections, amount, maxDurationMs: step.durationMs + phase.gracefulStopMs + 5000 }, ctx, counters);
      live.push(s);
      // One socket per VU (the closed model keeps them all open).
      ctx.sink.onSockets?.(connections);
      await Promise.race([s.done, until(phase.startMs + step.startMs + step.durationMs, ctx)]);
      s.softStop();
    }
    const deadline = phase.startMs + phase.durationMs + phase.gracefulStopMs;
    await Promise.race([Promise.all(live.map((s) => s.done)), until(deadline, ctx)]);
    for (const s of live) s.hardStop(ctx.signal.aborted ? 'cancelled' : 'timeout');
    await Promise.all(live.map((s) => s.done));
    ctx.sink.onSockets?.(0);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
}

/** The phase's steps and iterations for one execution segment (its share of VUs and iterations). */
export function closedSegmentPlan(phase: ClosedPhase, segment: ExecutionSegment): { steps: VuStep[]; amount: number | undefined } {
  const vus = (n: number): number => segmentShare(n, segment);
  const whole = (n: number): VuStep[] => [{ startMs: 0, durationMs: phase.durationMs, vus: vus(n) }];
  switch (phase.executor) {
    case 'constant-vus':
      return { steps: whole(phase.vus), amount: undefined };
    case 'ramping-vus':
      return { steps: rampingVuSteps(phase.startVUs, phase.stages).map((s) => ({ ...s, vus: vus(s.vus) })), amount: undefined };
    case 'shared-iterations': {
      // The iterations go to the segments that have VUs: with fewer VUs than segments, each active
      // segment has one VU and floor(i·V/N) of them come before segment i.
      if (vus(phase.vus) === 0) return { steps: whole(phase.vus), amount: 0 };
      const active = phase.vus >= segment.count ? segment : { index: Math.floor((segment.index * phase.vus) / segment.count), count: phase.vus };
      return { steps: whole(phase.vus), amount: segmentShare(phase.iterations, active) };
    }
    case 'per-vu-iterations':
      // autocannon splits `amount` evenly over connections, so each VU does exactly `iterations`.
      return { steps: whole(phase.vus), amount: vus(phase.vus) * phase.iterations };
  }
}

function isClosedPhase(phase: LoadPhasePlan): phase is ClosedPhase {
  return phase.executor !== 'constant-arrival-rate' && phase.executor !== 'ramping-arrival-rate';
}

/**
 * Closed-model engine (k6's *-vus and iterations executors) on autocannon, one instance per step:
 * autocannon cannot change its connection count while running, so a linear VU ramp is run as
 * 1-second steps (see closed-steps.ts). No rate is set, so autocannon's (broken) coordinated-omission
 * correction never applies; its validator rejects `ignoreCoordinatedOmission` without a rate.
 * Iterations not started by the end of `maxDuration` are counted as dropped, as in k6.
 */
export const autocannonEngine: LoadEngine = {
  name: 'autocannon',
  async run(phase, ctx) {
    if (!isClosedPhase(phase)) throw new Error(`autocannon engine cannot run executor ${phase.executor}`);
    const counters: PhaseRunSummary = { sent: 0, completed: 0, dropped: 0 };
    const { steps, amount } = closedSegmentPlan(phase, ctx.segment ?? WHOLE);
    await runSteps(phase, steps, amount, ctx, counters);
    if (amount !== undefined && counters.sent < amount) {
      const atMs = Math.min(ctx.clock.nowMs(), phase.startMs + phase.durationMs);
      for (let i = counters.sent; i < amount; i++) ctx.sink.onDropped(atMs);
      counters.dropped = amount - counters.sent;
    }
    return counters;
  },
};
