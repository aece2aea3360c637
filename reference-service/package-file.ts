import path from 'node:path';
import { packageRootOf } from '../process-kit/package-root.ts';

const root = packageRootOf(import.meta.url);

/** A file the package ships beside the code (package.json, reference-service/db/migrations/…), by its path from the root. */
export function packageFile(relative: string): string {
  return path.join(root, relative);
}
