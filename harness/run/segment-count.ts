import { availableParallelism } from 'node:os';
import type { LoadPhasePlan } from '../contract/plan-types.ts';

/**
 * The open-model rate given to one load thread: `npm run bench:load` found one thread holding
 * 14,000 rps with its send lag p99 within 2 ms of the timer's floor (2-core CI machine,
 * docs/workers.md); a run's main thread also serves the prober, the live view and the gate, so a
 * thread gets a little over half of that. A schedule above it is spread over more threads; one
 * below it stays in the main thread, where it costs least (a worker thread 1.4× the CPU per request).
 */
export const RATE_PER_LOAD_THREAD = 8000;

/** The highest arrival rate any phase of the plan reaches (requests per second; 0 for closed-model phases). */
export function peakArrivalRate(phases: readonly LoadPhasePlan[]): number {
  let peak = 0;
  for (const p of phases) {
    if (p.executor === 'constant-arrival-rate') peak = Math.max(peak, p.ratePerSec);
    else if (p.executor === 'ramping-arrival-rate') peak = Math.max(peak, p.startRatePerSec, ...p.stages.map((s) => s.target));
  }
  return peak;
}

/**
 * How many load threads (execution segments) a run uses when neither `--workers` nor the scenario's
 * `workers` says: as many as the peak arrival rate needs at RATE_PER_LOAD_THREAD each, at most one per
 * core, leaving one core to a target on this machine (the embedded service, a `target.start`, any
 * loopback URL), and never more than the smallest `maxVUs`, which the segments share. A closed-model
 * load stays in one thread: its throughput follows the target, and one thread already drives about
 * what wrk drives (README, Benchmarks).
 */
export function defaultSegmentCount(phases: readonly LoadPhasePlan[], targetOnThisMachine: boolean, cores = availableParallelism(), parts = 1): number {
  const usable = Math.max(1, cores - (targetOnThisMachine ? 1 : 0));
  let vus = Number.POSITIVE_INFINITY;
  for (const p of phases) if (p.executor === 'constant-arrival-rate' || p.executor === 'ramping-arrival-rate') vus = Math.min(vus, Math.floor(p.maxVUs / parts));
  // A part of a load run from `parts` machines (--segment i/N) carries 1/N of the rate and of the VUs.
  return Math.max(1, Math.min(usable, vus, Math.ceil(peakArrivalRate(phases) / parts / RATE_PER_LOAD_THREAD)));
}
