import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeRoot } from '../repo-root.ts';
import { tsxImportArgs } from './tsx-loader.ts';

/** How stresslab's own modules end: `.ts` from its sources (tsx, vitest), `.js` compiled (dist/). */
export const MODULE_EXTENSION: '.ts' | '.js' = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * The file of one of stresslab's modules that runs as a process or a worker thread, by its path from
 * the package root without an extension (`harness/toxiproxy/child-main`): the same id works from
 * the sources and compiled.
 */
export function moduleFile(id: string): string {
  return path.join(codeRoot, `${id}${MODULE_EXTENSION}`);
}

export function moduleUrl(id: string): URL {
  return pathToFileURL(moduleFile(id));
}

/** Node's options a program needs to run `file`: tsx's loader when it is TypeScript, none compiled. */
export function loaderArgsFor(file: string): string[] {
  return file.endsWith('.ts') ? [...tsxImportArgs()] : [];
}

/** Node's arguments that run `file` as a program. */
export function nodeArgsFor(file: string): string[] {
  return [...loaderArgsFor(file), file];
}
