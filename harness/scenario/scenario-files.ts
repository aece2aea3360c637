import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { repoRoot } from '../core/repo-root.ts';

/** The package's scenarios/ folder, found from this module (not the cwd) so presets work from anywhere. */
export const SCENARIOS_DIR = join(repoRoot, 'scenarios');
export const SCHEMA_FILE = join(SCENARIOS_DIR, 'schema.json');

export const SCENARIO_EXTENSIONS = ['.json', '.yaml', '.yml'] as const;

/** True when the argument is meant as a file path rather than a preset name. */
export function looksLikePath(arg: string): boolean {
  return arg.includes('/') || arg.includes('\\') || SCENARIO_EXTENSIONS.some((e) => arg.toLowerCase().endsWith(e));
}

/** The file a preset name refers to, or null. */
export function presetFile(name: string): string | null {
  for (const ext of SCENARIO_EXTENSIONS) {
    const file = join(SCENARIOS_DIR, `${name}${ext}`);
    if (existsSync(file)) return file;
  }
  return null;
}

/** Resolves `stresslab run X`: a path (relative to cwd) or a preset name. Null when neither exists. */
export function resolveScenarioFile(fileOrName: string, cwd: string): string | null {
  if (looksLikePath(fileOrName)) {
    const file = isAbsolute(fileOrName) ? fileOrName : resolve(cwd, fileOrName);
    return existsSync(file) ? file : null;
  }
  return presetFile(fileOrName) ?? (existsSync(resolve(cwd, fileOrName)) ? resolve(cwd, fileOrName) : null);
}

/** Preset names: scenario files in scenarios/ (schema.json excluded). */
export async function presetNames(): Promise<string[]> {
  const entries = await readdir(SCENARIOS_DIR, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && (SCENARIO_EXTENSIONS as readonly string[]).includes(extname(e.name)) && e.name !== 'schema.json')
    .map((e) => e.name.slice(0, -extname(e.name).length))
    .sort();
}
