import type { Scenario } from '../scenario/scenario-schema.ts';
import { phaseName } from '../scenario/schema-load.ts';
import type { LoadPhase } from '../scenario/schema-load.ts';

/**
 * Load phases → k6 `options.scenarios`. The scenario schema already speaks k6 (executor names,
 * options, durations), so each phase maps 1:1 with its own options, `startTime` and
 * `gracefulStop`. One iteration sends exactly one request of the mix, so `rate` (iterations per
 * timeUnit) means requests per timeUnit in both. `requests` (the phase's subset) is not a k6
 * option: the script looks the subset up by `exec.scenario.name`.
 */

export interface K6ScenarioEntry {
  /** k6 scenario name: k6 accepts only [0-9A-Za-z_-], so "load[0]" becomes "load_0_". */
  k6Name: string;
  /** The phase name, kept as the `phase` tag. */
  phase: string;
  requests: string[];
  options: Record<string, unknown>;
}

export function k6Scenarios(scenario: Scenario): K6ScenarioEntry[] {
  const used = new Set<string>();
  return scenario.load.map((p, i) => {
    const phase = phaseName(p, i);
    const k6Name = uniqueName(phase.replace(/[^0-9A-Za-z_-]/g, '_'), used);
    const common = { executor: p.executor, startTime: p.startTime, gracefulStop: p.gracefulStop, tags: { phase } };
    return { k6Name, phase, requests: p.requests ?? scenario.requests.map((r) => r.name), options: { ...common, ...executorOptions(p) } };
  });
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
  used.add(name);
  return name;
}

function executorOptions(p: LoadPhase): Record<string, unknown> {
  switch (p.executor) {
    case 'constant-arrival-rate':
      return { rate: p.rate, timeUnit: p.timeUnit, duration: p.duration, preAllocatedVUs: p.preAllocatedVUs, ...maxVUs(p.maxVUs) };
    case 'ramping-arrival-rate':
      return { startRate: p.startRate, timeUnit: p.timeUnit, stages: p.stages, preAllocatedVUs: p.preAllocatedVUs, ...maxVUs(p.maxVUs) };
    case 'constant-vus':
      return { vus: p.vus, duration: p.duration };
    case 'ramping-vus':
      return { startVUs: p.startVUs, stages: p.stages };
    case 'shared-iterations':
    case 'per-vu-iterations':
      return { vus: p.vus, iterations: p.iterations, maxDuration: p.maxDuration };
  }
}

function maxVUs(n: number | undefined): { maxVUs?: number } {
  return n === undefined ? {} : { maxVUs: n };
}
