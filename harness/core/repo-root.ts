import path from 'node:path';
import { packageRootOf } from '../../process-kit/package-root.ts';

/** The stresslab package (package.json, scenarios/, reference-service/'s SQL, baselines/), independent of the cwd. */
export const repoRoot: string = packageRootOf(import.meta.url);

/**
 * Where stresslab's modules that run on their own are (module-entry.ts): the package root when it
 * runs from its TypeScript sources (a checkout: tsx, vitest), `<package>/dist` when compiled.
 */
export const codeRoot: string = import.meta.url.endsWith('.ts') ? repoRoot : path.join(repoRoot, 'dist');
