import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { presetNames, SCENARIOS_DIR } from '../../../harness/scenario/scenario-files.ts';
import { fastYamlText, yamlText } from '../../support/fast-yaml.ts';
import { scenarioMutants } from '../../support/scenario-mutants.ts';
import type { Json } from '../../support/scenario-mutants.ts';

/** The fuzzer's YAML writer must give the yaml package's bytes: byte damage (truncation, edits) depends on them. */
const library = (doc: Json): string => stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });

describe('fast YAML text of fuzz mutants', () => {
  it('gives the same mutants as the yaml package\'s stringify, byte for byte, for every preset (giant ones included)', async () => {
    let yaml = 0;
    let giant = 0;
    const presets = await presetNames();
    for (const [i, preset] of presets.entries()) {
      const doc = JSON.parse(readFileSync(join(SCENARIOS_DIR, `${preset}.json`), 'utf8')) as Json;
      // Giant mutants (thousands of phases) take the library seconds: three presets have them.
      const giantArrays = i < 3;
      const slow = [...scenarioMutants(doc, 20, 7 + i, { giantArrays, yaml: library })];
      const fast = [...scenarioMutants(doc, 20, 7 + i, { giantArrays })];
      expect(fast.map((m) => m.label)).toEqual(slow.map((m) => m.label));
      fast.forEach((m, j) => expect(m.bytes.equals((slow[j] as typeof m).bytes), `${preset} #${j} ${m.label}`).toBe(true));
      yaml += fast.filter((m) => m.format === 'yaml').length;
      giant += fast.filter((m) => m.format === 'yaml' && m.label.includes('giant')).length;
    }
    expect(yaml).toBe(presets.length * 10);
    expect(giant).toBeGreaterThan(0);
  });

  it('handles the layouts and scalars that need care, or leaves them to the library', () => {
    const own = (o: Record<string, Json>, k: string, v: Json): Record<string, Json> => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    const docs: Json[] = [
      { a: [[1, 2], [[]], [{}], [{ b: [3, { c: null }] }]], d: {}, e: [], f: { g: { h: [true, false, -0, 0, 1e308, -1e-300, 2 ** 53 + 1] } } },
      { '0': 'x', '': '', 'a b': ' lead', 'k:': 'v: w', '#': '#x', 'http_req_duration{request:x}': ['p(95)<1'], '-': '- x', '?': '?' },
      own({ x: 1 }, '__proto__', { y: ['NaN', 'null', 'true', '1e999', '0x1f', '@@DEEP@@40', '{{uuid}}', '\u0000', 'é✓😀', "it's", 'say "hi"', `both ' and "`] }),
      { multi: 'line one\nline two', after: 1 },
      { [`${'k'.repeat(1100)}`]: 1 },
      {},
      [1, { a: 2 }],
      'scalar',
      null,
    ];
    for (const doc of docs) expect(yamlText(doc)).toBe(library(doc));
    // Multi-line scalars, over-long keys and documents that are not maps go to the library whole.
    expect(fastYamlText(docs[3] as Json)).toBeNull();
    expect(fastYamlText(docs[6] as Json)).toBeNull();
  });
});
