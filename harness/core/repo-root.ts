import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The stresslab checkout (where scenarios/, reference-service/ and baselines/ live), independent of the cwd. */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
