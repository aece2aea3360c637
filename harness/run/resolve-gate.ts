import path from 'node:path';
import { baselinePath, readBaseline, readBaselineIfExists } from '../baseline/baseline-store.ts';
import type { GateOptions } from '../baseline/baseline-gate.ts';
import type { Baseline } from '../baseline/baseline-schema.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';

/**
 * Which baseline a run is gated against: `--baseline FILE` (must exist), `--no-baseline` (none), or
 * by default baselines/<env>/<scenario>.json under the working directory when it exists.
 */
export async function resolveGate(opts: {
  loaded: LoadedScenario;
  cwd: string;
  env: string;
  baseline: string | boolean | undefined;
  tolerancePct: number | undefined;
}): Promise<{ baseline: Baseline; options: GateOptions } | null> {
  if (opts.baseline === false) return null;
  const { loaded } = opts;
  const scenario = loaded.scenario;
  const options: GateOptions = {
    tolerancePct: opts.tolerancePct ?? scenario.baseline?.tolerancePct,
    metricTolerancePct: Object.fromEntries(Object.entries(scenario.baseline?.metrics ?? {}).map(([k, v]) => [k, v.tolerancePct])),
    blindFails: scenario.baseline?.blind === 'fail',
  };
  if (typeof opts.baseline === 'string') return { baseline: await readBaseline(path.resolve(opts.cwd, opts.baseline)), options };
  const found = await readBaselineIfExists(baselinePath(opts.cwd, opts.env, baselineName(scenario.name, loaded.profile)));
  return found ? { baseline: found, options } : null;
}

/** Baselines are per scenario and profile: a quick run is never compared with a full one. */
export function baselineName(scenario: string, profile: string | null): string {
  return profile === null || profile === 'full' ? scenario : `${scenario}.${profile}`;
}
