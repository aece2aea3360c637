import { formatDuration } from '../core/duration.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
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
  return scenario.load.map((p) => {
    const phase = p.name;
    const k6Name = uniqueName(phase.replace(/[^0-9A-Za-z_-]/g, '_'), used);
    const common = { executor: p.executor, startTime: formatDuration(p.startTimeMs), gracefulStop: formatDuration(p.gracefulStopMs), tags: { phase } };
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
      return { rate: p.rate, timeUnit: formatDuration(p.timeUnitMs), duration: formatDuration(p.durationMs), preAllocatedVUs: p.preAllocatedVUs, ...maxVUs(p.maxVUs) };
    case 'ramping-arrival-rate':
      return { startRate: p.startRate, timeUnit: formatDuration(p.timeUnitMs), stages: k6Stages(p.stages), preAllocatedVUs: p.preAllocatedVUs, ...maxVUs(p.maxVUs) };
    case 'constant-vus':
      return { vus: p.vus, duration: formatDuration(p.durationMs) };
    case 'ramping-vus':
      return { startVUs: p.startVUs, stages: k6Stages(p.stages) };
    case 'shared-iterations':
    case 'per-vu-iterations':
      return { vus: p.vus, iterations: p.iterations, maxDuration: formatDuration(p.maxDurationMs) };
  }
}

/** k6 stages are {duration, target}, durations as Go strings. */
function k6Stages(stages: readonly { target: number; durationMs: number }[]): { duration: string; target: number }[] {
  return stages.map((s) => ({ duration: formatDuration(s.durationMs), target: s.target }));
}

function maxVUs(n: number | undefined): { maxVUs?: number } {
  return n === undefined ? {} : { maxVUs: n };
}
