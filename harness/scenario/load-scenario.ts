import { StresslabError, isStresslabError } from '../core/stresslab-error.ts';
import type { InputProblem } from '../core/stresslab-error.ts';
import { checkScenario } from './check-scenario.ts';
import { INPUT_LIMITS } from './input-limits.ts';
import { documentLimitProblems } from './document-limits.ts';
import { applyProfile } from './profiles.ts';
import { FULL_PROFILE, findProfile, profileNames } from './profile-names.ts';
import { loadRequestBodies } from './request-bodies.ts';
import type { BodyFileCache, RequestBody } from './request-bodies.ts';
import { readScenarioSource } from './read-scenario-source.ts';
import { knownScenarioKeys } from './scenario-json-schema.ts';
import { scenarioSchema } from './scenario-schema.ts';
import type { Scenario } from './scenario-schema.ts';
import { zodProblems } from './zod-problems.ts';

export interface LoadedScenario {
  /** Validated, defaults filled, profile applied. */
  scenario: Scenario;
  /** Absolute path of the scenario file. */
  file: string;
  /** sha256 (hex) of the canonical source, the body files and the profile name. */
  hash: string;
  /** The profile applied; null when none was asked for (same as "full"). */
  profile: string | null;
  /** Request bodies by request name (inline `body` or the parsed `bodyFile`). */
  bodies: ReadonlyMap<string, RequestBody>;
}

export interface LoadScenarioOptions {
  profile?: string | undefined;
  /** Where relative file paths start. */
  cwd: string;
  /**
   * Further checks of the resolved scenario, reported with the loader's own problems in one error.
   * The planner passes its timing checks here (plan/ lies above scenario/, so the loader cannot call it).
   */
  check?: (scenario: Scenario) => InputProblem[];
}

/**
 * Reads a preset name (scenarios/<name>.json|yaml of this repository) or a file path, validates and
 * resolves it, applies the profile and runs the caller's further checks. Every problem of the input is a
 * BAD_SCENARIO StresslabError listing all problems found (with JSON paths and hints). Anything else
 * thrown while loading is a bug of the loader, not of the file: it becomes INTERNAL (exit 70), so a
 * crash is never reported as bad input with no path.
 */
export async function loadScenario(fileOrName: string, options: LoadScenarioOptions): Promise<LoadedScenario> {
  try {
    return await load(fileOrName, options);
  } catch (e) {
    throw internal(e, fileOrName);
  }
}

/** A StresslabError as it is; anything else thrown while loading as INTERNAL (exit 70). */
function internal(e: unknown, fileOrName: string): StresslabError {
  if (isStresslabError(e)) return e;
  return new StresslabError('INTERNAL', `internal error while loading scenario "${fileOrName}": ${e instanceof Error ? e.message : String(e)}`, {
    hint: 'this is a bug in stresslab; please report it with the scenario file and the command you ran',
    cause: e,
  });
}

async function load(fileOrName: string, options: LoadScenarioOptions): Promise<LoadedScenario> {
  const { raw, file } = await readScenarioSource(fileOrName, options.cwd);
  return scenarioFromSource(raw, file, options);
}

/**
 * A scenario file read, parsed and checked against the schema once, to resolve under several
 * profiles: `stresslab validate` checks every profile, and parsing the file again per profile cost
 * most of its time (YAML's parser is slow on large files). Each `resolve` gives what `loadScenario`
 * with that profile gives, and throws the same errors.
 */
export interface OpenedScenario {
  file: string;
  /** Every profile of the scenario, `full` first (see profileNames). */
  profiles: readonly string[];
  resolve(profile: string | undefined): Promise<LoadedScenario>;
}

export interface OpenScenarioOptions extends Omit<LoadScenarioOptions, 'profile'> {
  /**
   * Body files read by earlier loads of the same command (validate shares one across its files):
   * a file unchanged on disk (same inode, size and times) is not read and parsed again.
   */
  bodyFiles?: BodyFileCache;
}

/** `loadScenario`'s reading, parsing and schema check, without a profile applied yet. Errors as loadScenario's. */
export async function openScenario(fileOrName: string, options: OpenScenarioOptions): Promise<OpenedScenario> {
  try {
    const { raw, file } = await readScenarioSource(fileOrName, options.cwd);
    const data = checkSource(raw, file);
    // The document's canonical text (for the hash) is the same under every profile: written once.
    let canonical: string | undefined;
    const canonicalOnce = (): string => (canonical ??= canonicalJson(raw));
    return {
      file,
      profiles: profileNames(data),
      resolve: async (profile) => {
        try {
          return await resolveProfile(raw, data, file, { ...options, profile, canonical: canonicalOnce });
        } catch (e) {
          throw internal(e, fileOrName);
        }
      },
    };
  } catch (e) {
    throw internal(e, fileOrName);
  }
}

/**
 * The checks of `loadScenario` on an already parsed document (`file` names it in errors and
 * anchors body files). Throws BAD_SCENARIO with every problem found.
 */
export async function scenarioFromSource(raw: unknown, file: string, options: Omit<LoadScenarioOptions, 'cwd'>): Promise<LoadedScenario> {
  return resolveProfile(raw, checkSource(raw, file), file, options);
}

/** The size limits and the schema: the document's checks, the same for every profile. */
function checkSource(raw: unknown, file: string): Scenario {
  // Before anything walks the document (the schema, the hash): those walks recurse.
  const limits = documentLimitProblems(raw);
  if (limits.length > 0) fail(file, limits);
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) fail(file, zodProblems(parsed.error.issues, raw, knownScenarioKeys()));
  return parsed.data;
}

/** The profile applied to the schema-checked document, its bodies read and the cross-field checks run. */
async function resolveProfile(
  raw: unknown,
  data: Scenario,
  file: string,
  options: Omit<OpenScenarioOptions, 'cwd'> & {
    profile?: string | undefined;
    canonical?: () => string;
  },
): Promise<LoadedScenario> {
  const profileName = options.profile;
  const profile = findProfile(data, profileName ?? FULL_PROFILE);
  if (profile === null) {
    throw new StresslabError('BAD_SCENARIO', `scenario "${data.name}" has no profile "${profileName}"`, {
      file,
      hint: `available profiles: ${profileNames(data).join(', ')}`,
    });
  }
  const scenario = applyProfile(data, profile, { recoveryWritten: hasKey(raw, 'recovery') });
  const bodies = await loadRequestBodies(scenario, file, options.bodyFiles);
  const problems = [...bodies.problems, ...checkScenario(scenario, bodies.bodies), ...(options.check?.(scenario) ?? [])];
  if (problems.length > 0) fail(file, problems, profileName ?? null);
  const profileOut = profileName ?? null;
  const hash = (): string => scenarioHash(raw, bodies.texts, profileOut, options.canonical);
  // The hash worked out when first read, not before: `validate` and `plan` never read it (nor load
  // node:crypto for it), and a scenario whose thousands of requests name one body file hashed that
  // file's text thousands of times per profile.
  let hashed: string | undefined;
  return {
    scenario,
    file,
    get hash() {
      return (hashed ??= hash());
    },
    profile: profileOut,
    bodies: bodies.bodies,
  };
}

function hasKey(raw: unknown, key: string): boolean {
  return typeof raw === 'object' && raw !== null && Object.hasOwn(raw, key);
}

function fail(file: string, problems: InputProblem[], profile: string | null = null): never {
  const n = problems.length;
  throw new StresslabError('BAD_SCENARIO', `${file}: ${n} problem${n === 1 ? '' : 's'}${profile ? ` (profile "${profile}")` : ''}`, {
    file,
    problems,
    hint: 'the schema is scenarios/schema.json; `stresslab validate FILE` checks a file without running it',
  });
}

/** Same content → same hash, whatever the key order, whitespace or format (JSON/YAML). */
export function scenarioHash(raw: unknown, bodyTexts: readonly string[], profile: string | null, canonical: () => string = () => canonicalJson(raw)): string {
  // node:crypto loaded when a hash is first asked for (`run`), not imported: `validate` and `plan`
  // never hash, and crypto is ~10 ms of their start-up (docs/startup.md).
  const h = process.getBuiltinModule('node:crypto').createHash('sha256').update(canonical());
  for (const t of [...bodyTexts].sort()) h.update('\0').update(t);
  return h.update('\0').update(profile ?? FULL_PROFILE).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
