import type { Scenario, ScenarioProfile } from './scenario-schema.ts';

/**
 * Profiles: `full` is the file as written and always exists. `quick` is built in (durations × 0.1,
 * rates and VUs × 0.5) unless the scenario declares its own. A profile's `override` replaces
 * top-level fields first, then `scale` multiplies the load and fault timing.
 */
export const FULL_PROFILE = 'full';
export const BUILT_IN_PROFILES: Readonly<Record<string, ScenarioProfile>> = {
  quick: { scale: { duration: 0.1, rate: 0.5, vus: 0.5 } },
};

/** `full`, the scenario's own profiles, then the built-in ones (a light read: list's, before any schema check). */
export function profileNames(scenario: Pick<Scenario, 'profiles'>): string[] {
  return [...new Set([FULL_PROFILE, ...Object.keys(scenario.profiles ?? {}), ...Object.keys(BUILT_IN_PROFILES)])];
}

/** The profile's definition, `{}` for full, or null when the scenario has no such profile. */
export function findProfile(scenario: Scenario, name: string): ScenarioProfile | null {
  if (name === FULL_PROFILE) return {};
  // Own keys only: `--profile toString` (or constructor, __proto__) would otherwise find
  // Object.prototype's members, which apply as an empty profile and run the full one.
  const own = scenario.profiles;
  if (own !== undefined && Object.hasOwn(own, name)) return own[name] ?? null;
  return Object.hasOwn(BUILT_IN_PROFILES, name) ? (BUILT_IN_PROFILES[name] ?? null) : null;
}
