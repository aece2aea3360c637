import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `--import` arguments that load tsx for a child process running TypeScript. The loader is resolved
 * from this package, not from the child's working directory: stresslab runs from the user's
 * project, where `tsx` is usually not installed. (tsx's "." export is its ESM loader.)
 */
const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
const tsxManifest = createRequire(import.meta.url)('tsx/package.json') as { exports: { '.': string } };
export const TSX_IMPORT: readonly string[] = ['--import', pathToFileURL(path.join(tsxDir, tsxManifest.exports['.'])).href];
