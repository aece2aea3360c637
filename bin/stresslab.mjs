#!/usr/bin/env node
// No V8 flags: any of them makes V8 reject the code cache of Node's own modules, 10-15 ms of every
// call's start-up (docs/startup.md, which also has why --max-semi-space-size=32 is no longer given).
//
// The CLI runs compiled (dist/, built by `npm run build`, which `npm ci` and `npm pack` run): the
// installed package ships only that. In a checkout whose sources are newer than dist/ (an edit, a
// pull), it runs the TypeScript sources through tsx instead, so what runs is always what is there.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = `${root}dist/harness/cli/main.js`;
const SOURCE_DIRS = ['harness', 'process-kit', 'reference-service'];

/** True when a TypeScript source (or the package manifest) changed after dist/ was built. */
function sourcesNewerThan(builtAtMs) {
  if (statSync(`${root}package.json`).mtimeMs > builtAtMs) return true;
  for (const dir of SOURCE_DIRS) {
    if (!existsSync(`${root}${dir}`)) continue;
    for (const entry of readdirSync(`${root}${dir}`, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts') && statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > builtAtMs) return true;
    }
  }
  return false;
}

// `stresslab list | head`: the reader has gone. Its output is lost, which is no reason to crash (or,
// during a run, to skip the rollback): the rest of stdout is dropped and the command goes on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}

let main;
if (existsSync(compiled) && !(existsSync(`${root}harness/cli/main.ts`) && sourcesNewerThan(statSync(compiled).mtimeMs))) {
  ({ main } = await import(compiled));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../harness/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
// Once the event loop is empty, exit explicitly: Node's natural exit closes its signal handlers first
// and then tears the process down, and a Ctrl-C in that window (the 2nd press of an interrupted run
// that has just written its results) would kill the process by SIGINT instead of exiting 3.
process.once('beforeExit', () => process.exit());
