import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package a module belongs to: the nearest directory up from it (`moduleUrl`, its
 * import.meta.url) with a package.json. The same from the TypeScript sources and from dist/, where
 * the bundler puts shared code in chunks at another depth (scripts/build.mjs).
 */
export function packageRootOf(moduleUrl: string): string {
  const here = fileURLToPath(moduleUrl);
  for (let dir = path.dirname(here); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${here}`);
  }
}
