import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let args: readonly string[] | null = null;

/**
 * `--import` arguments that load tsx for a child process running TypeScript (stresslab from its
 * sources; compiled, nothing needs tsx). The loader is resolved from this package, not from the
 * child's working directory, where `tsx` is usually not installed. (tsx's "." export is its ESM
 * loader.) Resolved on first use: the installed package has no tsx.
 */
export function tsxImportArgs(): readonly string[] {
  if (args === null) {
    const require = createRequire(import.meta.url);
    const tsxDir = path.dirname(require.resolve('tsx/package.json'));
    const manifest = require('tsx/package.json') as { exports: { '.': string } };
    args = ['--import', pathToFileURL(path.join(tsxDir, manifest.exports['.'])).href];
  }
  return args;
}
