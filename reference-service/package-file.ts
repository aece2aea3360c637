import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest directory up from this module with a package.json (from the sources, or compiled in dist/). */
const root = ((): string => {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
  }
})();

/** A file the package ships beside the code (package.json, reference-service/db/migrations/…), by its path from the root. */
export function packageFile(relative: string): string {
  return path.join(root, relative);
}
