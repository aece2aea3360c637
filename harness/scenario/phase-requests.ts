import type { Scenario } from './scenario-schema.ts';
import { phaseName } from './schema-load.ts';

/** The request names a phase sends (its `requests`, or all of them); null when no phase has that name. */
export function phaseRequestNames(scenario: Scenario, name: string): string[] | null {
  const index = scenario.load.findIndex((p, i) => phaseName(p, i) === name);
  const phase = scenario.load[index];
  if (phase === undefined) return null;
  return phase.requests ?? scenario.requests.map((r) => r.name);
}
