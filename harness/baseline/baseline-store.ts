import * as nodeFs from 'node:fs/promises';
import * as path from 'node:path';
import { StresslabError } from '../core/stresslab-error.ts';
import type { InputProblem } from '../core/stresslab-error.ts';
import { formatJsonPath } from '../core/json-path.ts';
import { BASELINE_SCHEMA_VERSION, baselineSchema } from './baseline-schema.ts';
import { checkBaselineValues } from './check-baseline-values.ts';
import type { Baseline } from './baseline-schema.ts';

/**
 * Reading and writing baseline files: the only I/O of `baseline/`.
 * - Path convention: `<root>/baselines/<env>/<scenario>.json`.
 * - A corrupt file (not JSON) or a foreign one (another schemaVersion, unknown or missing keys)
 *   is BAD_BASELINE (exit 2) naming the file and the fix; it is never replaced silently: writing
 *   over it needs `replaceCorrupt: true`.
 * - Writes are atomic: a temp file in the same directory, fsync, rename over the target, fsync of
 *   the directory. A crash at any point leaves either the old file or the new one, never half.
 */

/** The subset of node:fs/promises the store uses; tests inject failures through it. */
export type BaselineFs = Pick<typeof nodeFs, 'readFile' | 'open' | 'rename' | 'mkdir' | 'rm'>;

export interface StoreOptions {
  fs?: BaselineFs;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function baselinePath(root: string, env: string, scenario: string): string {
  for (const [what, name] of [['environment', env], ['scenario', scenario]] as const) {
    if (!SAFE_NAME.test(name) || name.includes('..')) {
      throw new StresslabError('BAD_USAGE', `${what} name "${name}" cannot be used in a baseline path`, { hint: 'use letters, digits, ".", "_" and "-" only' });
    }
  }
  return path.join(root, 'baselines', env, `${scenario}.json`);
}

/** The baseline at `file`, or null when there is none. */
export async function readBaselineIfExists(file: string, options: StoreOptions = {}): Promise<Baseline | null> {
  const fs = options.fs ?? nodeFs;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if (isNotFound(e)) return null;
    throw new StresslabError('BAD_BASELINE', `cannot read baseline ${file}: ${(e as Error).message}`, { file, hint: 'check the file\'s permissions', cause: e });
  }
  return parseBaseline(text, file);
}

export async function readBaseline(file: string, options: StoreOptions = {}): Promise<Baseline> {
  const b = await readBaselineIfExists(file, options);
  if (b === null) {
    throw new StresslabError('FILE_NOT_FOUND', `baseline ${file} does not exist`, { file, hint: 'record one with `stresslab baseline record <scenario> --runs 5`, or run with --no-baseline' });
  }
  return b;
}

/** Parses and validates baseline text; every problem is reported with its JSON path. */
export function parseBaseline(text: string, file: string): Baseline {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '')); // a BOM from an editor is not corruption
  } catch (e) {
    throw new StresslabError('BAD_BASELINE', `baseline ${file} is not valid JSON: ${(e as Error).message}`, {
      file,
      hint: 'the file is corrupt: restore it from version control, or move it away and record a new one with `stresslab baseline record`',
      cause: e,
    });
  }
  const version = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['schemaVersion'] : undefined;
  if (version !== BASELINE_SCHEMA_VERSION) {
    throw new StresslabError('BAD_BASELINE', `${file} is not a stresslab baseline of schema version ${BASELINE_SCHEMA_VERSION} (schemaVersion: ${JSON.stringify(version) ?? 'missing'})`, {
      file,
      hint: 'pass a file written by `stresslab baseline record` of this version, or record a new baseline',
    });
  }
  const parsed = baselineSchema.safeParse(json);
  const values = checkBaselineValues(json);
  if (!parsed.success) {
    // A value both checks refuse (an Infinity) is listed once, with the clearer message of the value check.
    const valuePaths = new Set(values.problems.map((p) => p.path));
    const schemaProblems: InputProblem[] = parsed.error.issues.map((i) => ({ path: formatJsonPath(i.path), message: i.message })).filter((p) => !valuePaths.has(p.path));
    throw new StresslabError('BAD_BASELINE', `baseline ${file} does not match the baseline schema`, {
      file,
      problems: [...schemaProblems, ...values.problems],
      hint: 'fix the fields listed, or record a new baseline with `stresslab baseline record`',
    });
  }
  if (values.problems.length > 0) {
    throw new StresslabError('BAD_BASELINE', `baseline ${file} holds values no run can produce`, {
      file,
      problems: values.problems,
      hint: 'fix the values listed, or record a new baseline with `stresslab baseline record`',
    });
  }
  if (!values.gateable) {
    throw new StresslabError('BAD_BASELINE', `baseline ${file} has no metrics to gate on: every run's metrics are empty or null`, {
      file,
      problems: [{ path: 'runs', message: `${parsed.data.runs.length} run(s), none with a metric value` }],
      hint: 'record it again with `stresslab baseline record <scenario> --runs 5` from runs that sent traffic, or run with --no-baseline',
    });
  }
  return parsed.data;
}

export interface WriteOptions extends StoreOptions {
  /** Allow replacing an existing file that is corrupt or foreign. Default false. */
  replaceCorrupt?: boolean;
}

export async function writeBaseline(file: string, baseline: Baseline, options: WriteOptions = {}): Promise<void> {
  const fs = options.fs ?? nodeFs;
  const valid = baselineSchema.parse(baseline);
  if (options.replaceCorrupt !== true) await readBaselineIfExists(file, options);
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(`${JSON.stringify(valid, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(fs, dir);
}

/** Makes the rename durable; some platforms cannot open directories, which is fine to skip. */
async function syncDirectory(fs: BaselineFs, dir: string): Promise<void> {
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // Directory fsync is unsupported on some file systems (and on Windows); the file itself is synced.
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOENT';
}

