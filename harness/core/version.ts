import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo-root.ts';

/** stresslab's version, from its package.json (recorded in every result's fingerprint and baseline). */
export const harnessVersion: string = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;
