import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The stresslab package (package.json, scenarios/, reference-service/'s SQL, baselines/), independent
 * of the cwd: the nearest directory up from this module with a package.json. From the sources that is
 * two folders up; compiled, this code sits in one of dist/'s chunks (scripts/build.mjs).
 */
export const repoRoot: string = ((): string => {
  const here = fileURLToPath(import.meta.url);
  for (let dir = path.dirname(here); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`stresslab: no package.json above ${here}`);
  }
})();

/**
 * Where stresslab's modules that run on their own are (module-entry.ts): the package root when it
 * runs from its TypeScript sources (a checkout: tsx, vitest), `<package>/dist` when compiled.
 */
export const codeRoot: string = import.meta.url.endsWith('.ts') ? repoRoot : path.join(repoRoot, 'dist');
