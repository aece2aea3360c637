import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeRoot, repoRoot } from '../../../harness/core/repo-root.ts';
import { MODULE_EXTENSION, moduleFile, nodeArgsFor } from '../../../harness/core/process/module-entry.ts';

/**
 * The modules stresslab runs as programs or worker threads are named by id (module-entry.ts), the
 * same from the sources and compiled. Every id the sources use must be a module that exists and an
 * entry point of the build (scripts/build.mjs), or the installed package would miss the program.
 */
const build = (await import(path.join(repoRoot, 'scripts', 'build.mjs'))) as { entryPoints(): string[] };

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

/** Every module id in the sources: literal ids of moduleFile/moduleUrl/forkModule, and the helper scripts of startHelper. */
function idsInSources(): Set<string> {
  const ids = new Set<string>();
  for (const file of [...sourceFiles('harness'), ...sourceFiles('reference-service')]) {
    const text = readFileSync(path.join(repoRoot, file), 'utf8');
    for (const m of text.matchAll(/\b(?:moduleFile|moduleUrl|forkModule)\('([^']+)'/g)) ids.add(m[1]!);
    const helpers = /export type HelperScript = ([^;]+);/.exec(text);
    if (helpers) for (const h of helpers[1]!.matchAll(/'([^']+)'/g)) ids.add(`harness/faults/helpers/${h[1]}-main`);
  }
  return ids;
}

describe('module entries', () => {
  it('resolve to the TypeScript sources under vitest, run through tsx', () => {
    expect(MODULE_EXTENSION).toBe('.ts');
    expect(codeRoot).toBe(repoRoot);
    expect(moduleFile('harness/toxiproxy/child-main')).toBe(path.join(repoRoot, 'harness', 'toxiproxy', 'child-main.ts'));
    const args = nodeArgsFor(moduleFile('harness/toxiproxy/child-main'));
    expect(args[0]).toBe('--import');
    expect(args.at(-1)).toMatch(/child-main\.ts$/);
  });

  it('every id the sources name is an existing module and an entry point of the build', () => {
    const ids = idsInSources();
    // The programs known today: a scan that found none would pass vacuously.
    for (const known of ['harness/toxiproxy/child-main', 'harness/run/segment-worker', 'reference-service/main', 'harness/faults/helpers/pg-holder-main']) expect(ids).toContain(known);
    const entries = new Set(build.entryPoints());
    for (const id of ids) {
      expect(readdirSync(path.dirname(path.join(repoRoot, id)))).toContain(`${path.basename(id)}.ts`);
      expect(entries, `${id}.ts is not an entry point of scripts/build.mjs`).toContain(`${id}.ts`);
    }
  });
});
