import { closestName } from '../core/closest-name.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { ExactPoints } from './out-json-points.ts';
import type { K6Summary } from './summary-formats.ts';

/**
 * Whether the k6 input was made by the scenario named with `--scenario`. A script from `stresslab
 * k6 export` records its scenario's name and hash in the summary, runs each load phase as a k6
 * scenario tagged `phase:NAME` and tags each request `request:NAME` (its surfacing thresholds put
 * those sub-metrics in the summary; `--out json` points carry the tags).
 * - `none`: the input records another scenario's name, or (recording none) has phases and none is the
 *   scenario's (or, with no phases, requests and none is the scenario's): another scenario's run, refused;
 * - `partial`: some names differ (an edited scenario, a request never picked): imported, with warnings;
 * - `match`: the input has exactly the scenario's phases and requests;
 * - `untagged`: the input has no such tags (another script, or a summary without the sub-metrics):
 *   nothing to compare, imported with a warning.
 * Phases decide, because they are the input's k6 scenarios; the presets share their requests.
 */
export interface ScenarioMatch {
  verdict: 'match' | 'partial' | 'none' | 'untagged';
  /** The scenario names the summaries record (scripts from `stresslab k6 export`). */
  recorded: string[];
  inputPhases: string[];
  inputRequests: string[];
  /** The scenario's names the input lacks, and the input's names the scenario lacks. */
  missingPhases: string[];
  missingRequests: string[];
  extraPhases: string[];
  extraRequests: string[];
  /** The input was exported from an earlier version of the scenario (another hash). */
  changedSinceExport: boolean;
}

export interface ExpectedScenario {
  name: string;
  hash: string;
  phases: readonly string[];
  requests: readonly string[];
}

/** The names `--scenario` expects: its plan's phases and its requests. */
export function expectedScenario(s: { scenario: { name: string; requests: readonly { name: string }[] }; hash: string; plan: { phases: readonly { name: string }[] } }): ExpectedScenario {
  return { name: s.scenario.name, hash: s.hash, phases: s.plan.phases.map((p) => p.name), requests: s.scenario.requests.map((r) => r.name) };
}

export function matchScenario(expected: ExpectedScenario, summaries: readonly K6Summary[], exact: ExactPoints | null): ScenarioMatch {
  const keys = summaries.flatMap((s) => Object.keys(s.metrics));
  const recorded = unique(summaries.flatMap((s) => (s.exportedFrom ? [s.exportedFrom.scenario] : [])));
  const inputPhases = unique([...tagValues(keys, 'phase'), ...Object.keys(exact?.phases ?? {})]);
  const inputRequests = unique([...tagValues(keys, 'request'), ...Object.keys(exact?.requests ?? {})]);
  const missingPhases = expected.phases.filter((p) => !inputPhases.includes(p));
  const missingRequests = expected.requests.filter((r) => !inputRequests.includes(r));
  const extraPhases = inputPhases.filter((p) => !expected.phases.includes(p));
  const extraRequests = inputRequests.filter((r) => !expected.requests.includes(r));
  const changedSinceExport = summaries.some((s) => s.exportedFrom?.scenario === expected.name && s.exportedFrom.hash !== null && s.exportedFrom.hash !== expected.hash);
  const disjoint = (input: readonly string[], extra: readonly string[]): boolean => input.length > 0 && extra.length === input.length;
  // A recorded name settles it: an edited scenario that renamed its phases is still the same one (warned about).
  const none = recorded.length > 0
    ? recorded.some((r) => r !== expected.name)
    : disjoint(inputPhases, extraPhases) || (inputPhases.length === 0 && disjoint(inputRequests, extraRequests));
  const differences = missingPhases.length + missingRequests.length + extraPhases.length + extraRequests.length;
  const verdict = none ? 'none' : inputPhases.length + inputRequests.length === 0 ? 'untagged' : differences === 0 ? 'match' : 'partial';
  return { verdict, recorded, inputPhases, inputRequests, missingPhases, missingRequests, extraPhases, extraRequests, changedSinceExport };
}

/** What a `partial` or `untagged` match, or an edited scenario, tells the user. */
export function scenarioMatchWarnings(name: string, m: ScenarioMatch): string[] {
  const out: string[] = [];
  if (m.changedSinceExport) out.push(`--scenario ${name}: the scenario changed since the script was exported (another hash); thresholds and names are today's`);
  if (m.verdict === 'untagged') {
    out.push(`--scenario ${name} cannot be checked against the k6 input: it has no phase:/request: tags (not a script from \`stresslab k6 export\`, or its summary lacks the sub-metrics); per-phase and per-request figures are empty`);
  }
  if (m.verdict !== 'partial') return out;
  const list = (kind: string, missing: readonly string[], extra: readonly string[]): void => {
    const explained = new Set<string>();
    for (const x of missing) {
      const near = closestName(x, extra);
      if (near !== null) explained.add(near);
      out.push(`--scenario ${name}: ${kind} ${x} is not in the k6 input${near ? ` (did you mean ${near}, which is?)` : ''}; its figures are empty`);
    }
    const unexplained = extra.filter((e) => !explained.has(e));
    if (unexplained.length > 0) out.push(`--scenario ${name}: the k6 input has ${kind}s the scenario does not: ${unexplained.join(', ')} (was the scenario changed since the export?)`);
  };
  list('phase', m.missingPhases, m.extraPhases);
  list('request', m.missingRequests, m.extraRequests);
  return out;
}

/**
 * `--scenario` names another scenario than the one the input was made by: exit 2, as for any input
 * that contradicts itself. Imported anyway it would name no phase, restore thresholds the run never
 * had, and put the run into the wrong scenario's reports and baselines.
 */
export function scenarioMismatchError(name: string, m: ScenarioMatch, suggestions: readonly string[]): StresslabError {
  const names = (kind: string, xs: readonly string[]): string => (xs.length === 0 ? '' : `${kind} ${xs.join(', ')}`);
  const input = m.recorded.length > 0
    ? `was exported from scenario ${m.recorded.join(', ')}`
    : `has ${[names('phases', m.inputPhases), names('requests', m.inputRequests)].filter((x) => x !== '').join('; ')}`;
  const wanted = [names('phases', [...m.missingPhases]), m.inputPhases.length === 0 ? names('requests', m.missingRequests) : ''].filter((x) => x !== '').join('; ');
  const near = closestName(name, suggestions);
  const pick = m.recorded.length === 1 ? m.recorded : near !== null ? [near] : suggestions;
  return new StresslabError('BAD_USAGE', `--scenario ${name} does not match the k6 input: the input ${input}${wanted === '' ? '' : `, the scenario has ${wanted}`}`, {
    hint: pick.length === 1
      ? `did you mean --scenario ${pick[0] as string}?`
      : pick.length > 1
        ? `the input's phases are those of ${pick.join(', ')}: pass the one the script was exported from`
        : 'pass the scenario the script was exported from, or leave --scenario out to import without phase and request names',
  });
}

function tagValues(keys: readonly string[], tag: string): string[] {
  const re = new RegExp(`[{,]${tag}:([^,}]+)[,}]`);
  return keys.flatMap((k) => re.exec(k)?.[1] ?? []);
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
