// `npm run build` (run by `npm ci` as `prepare`, and by `npm pack`): the TypeScript sources bundled
// into dist/ with esbuild, one entry per module that runs as a program or a worker thread, their
// shared code in chunks, and a command's module (harness/cli/commands.ts's `import()`) in its own
// chunk, loaded only when that command runs. yargs, zod and yaml are bundled in: loading them as
// the hundred-odd files they ship cost more start-up than anything else; the other dependencies stay
// in node_modules, loaded when a command needs them. Types are checked by `npm run typecheck`, not here.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundled into the chunks: what every CLI call loads (argument parsing, scenario schema, YAML, and the
 * edit distance of did-you-mean, 2 KB, rather than a CommonJS file resolved from node_modules each call).
 */
export const BUNDLED_PACKAGES = ['yargs', 'zod', 'yaml', 'fastest-levenshtein'];

/**
 * The modules that run on their own (module-entry.ts's moduleFile ids, plus the CLI and the library
 * API): the CLI, the reference service, every `*-main.ts` (child processes) and `*-worker.ts`
 * (worker threads) under harness/. Those present: the reference service's image builds without harness/.
 */
export function entryPoints() {
  const own = existsSync(path.join(root, 'harness'))
    ? readdirSync(path.join(root, 'harness'), { recursive: true })
        .map((f) => `harness/${f.split(path.sep).join('/')}`)
        .filter((f) => /-(main|worker)\.ts$/.test(f))
    : [];
  return ['harness/cli/main.ts', 'harness/index.ts', 'reference-service/main.ts', ...own].filter((f) => existsSync(path.join(root, f))).sort();
}

export async function buildDist() {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const external = Object.keys(manifest.dependencies).filter((p) => !BUNDLED_PACKAGES.includes(p));
  rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  return build({
    absWorkingDir: root,
    entryPoints: entryPoints(),
    outdir: 'dist',
    outbase: '.',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    external,
    // Bundled CommonJS code (inside the bundled packages) may call require() for Node's built-ins.
    banner: { js: "import { createRequire as __stresslabRequire } from 'node:module'; const require = __stresslabRequire(import.meta.url);" },
    legalComments: 'none',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [startupPatches],
  });
}

/**
 * Start-up work in bundled packages that no CLI call needs, removed at build time (docs/startup.md):
 * - string-width (three copies: yargs', cliui's, wrap-ansi's) creates an `Intl.Segmenter` when it
 *   loads, 15-20 ms of ICU start-up: created at its first use instead;
 * - yargs renders the whole help of a command after running its handler, in case the handler calls
 *   `showHelp()` later (ours never do; without the cache yargs computes the help when asked): 25-35 ms
 *   of text layout in every command, since our help is not plain ASCII;
 * - yargs' string-width (8.x) builds `/^\p{RGI_Emoji}$/v` when it loads, 4-6 ms of Unicode set
 *   building for a check only help text with emoji needs: built at its first use instead;
 * - yargs imports node:assert (10-15 ms of start-up) for two internal checks that hold in every call:
 *   the check is made inline, with assert's own semantics (Object.is), and assert is loaded only to
 *   throw its error when one fails.
 * The versions are the lockfile's: a file without the expected text fails the build rather than
 * going slow unnoticed.
 */
const STARTUP_PATCHES = [
  {
    file: /[\\/]node_modules[\\/](.*[\\/])?string-width[\\/]index\.js$/,
    when: 'Intl.Segmenter',
    from: 'const segmenter = new Intl.Segmenter();',
    to: 'let segmenterOnce; const segmenter = { segment: (s) => (segmenterOnce ??= new Intl.Segmenter()).segment(s) };',
  },
  {
    file: /[\\/]node_modules[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/,
    when: 'cacheHelpMessage',
    from: 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();',
    to: '/* help rendered when asked (scripts/build.mjs) */',
  },
  {
    file: /[\\/]node_modules[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/,
    when: "from 'assert'",
    from: "import { notStrictEqual, strictEqual } from 'assert'",
    to:
      'const notStrictEqual = (a, e, m) => { if (Object.is(a, e)) process.getBuiltinModule("node:assert").notStrictEqual(a, e, m); }; ' +
      'const strictEqual = (a, e, m) => { if (!Object.is(a, e)) process.getBuiltinModule("node:assert").strictEqual(a, e, m); };',
  },
  {
    file: /[\\/]node_modules[\\/](.*[\\/])?string-width[\\/]index\.js$/,
    when: 'const rgiEmojiRegex',
    from: 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
    to: 'let rgiEmojiOnce; const rgiEmojiRegex = { test: (s) => (rgiEmojiOnce ??= /^\\p{RGI_Emoji}$/v).test(s) };',
  },
];
const startupPatches = {
  name: 'startup-patches',
  setup(b) {
    // One hook for every patched file (esbuild takes the first hook's contents): a file may take several patches.
    const filter = new RegExp(STARTUP_PATCHES.map((p) => `(?:${p.file.source})`).join('|'));
    b.onLoad({ filter }, async (args) => {
      let source = readFileSync(args.path, 'utf8');
      let patched = false;
      for (const patch of STARTUP_PATCHES) {
        if (!patch.file.test(args.path) || !source.includes(patch.when)) continue;
        if (!source.includes(patch.from)) throw new Error(`${args.path}: expected "${patch.from}" (scripts/build.mjs, STARTUP_PATCHES)`);
        source = source.replaceAll(patch.from, patch.to);
        patched = true;
      }
      return patched ? { contents: source, loader: 'js', resolveDir: path.dirname(args.path) } : undefined;
    });
  },
};

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildDist();
