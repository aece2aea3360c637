import type { Scenario } from './scenario-schema.ts';

/** The request names a phase sends (its `requests`, or all of them); null when no phase has that name. */
export function phaseRequestNames(scenario: Scenario, name: string): string[] | null {
  const phase = scenario.load.find((p) => p.name === name);
  if (phase === undefined) return null;
  return phase.requests ?? scenario.requests.map((r) => r.name);
}
