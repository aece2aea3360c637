import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { ShimRunInput, ShimRunOutput } from './run-k6-script.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..', '..');

/** Runs an exported k6 script under the shim in a child process (the script's folder needs a {"type":"module"} package.json). */
export async function runUnderShim(input: ShimRunInput, inputFile: string): Promise<ShimRunOutput> {
  await writeFile(inputFile, JSON.stringify(input));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--import', path.join(here, 'register-shim.mjs'), path.join(here, 'run-k6-script.ts'), inputFile],
    { cwd: repo, maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
  );
  return JSON.parse(stdout) as ShimRunOutput;
}
