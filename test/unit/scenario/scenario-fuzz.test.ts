import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planProblems } from '../../../harness/plan/build-plan.ts';
import { scenarioFromSource } from '../../../harness/scenario/load-scenario.ts';
import { parseJsonSource } from '../../../harness/scenario/parse-source.ts';
import { presetNames, SCENARIOS_DIR } from '../../../harness/scenario/scenario-files.ts';
import { isStresslabError } from '../../../harness/core/stresslab-error.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const asJson = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<Json> => a as unknown as fc.Arbitrary<Json>;

const junk: fc.Arbitrary<Json> = fc.oneof(
  ...[
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 1_000_000 }),
    fc.double({ noNaN: false }),
    fc.constantFrom('', '0s', '1m', '-1s', '{{uuid}}', '{{captured nope}}', 'rate<0.1', 'p(101)<1', 'http_req_failed{request:x}', 'net-latency', '{{'),
    fc.string({ maxLength: 12 }),
    fc.constant([]),
    fc.constant({}),
  ].map(asJson),
);

/** Every path to a value inside a document. */
function paths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

type Mutation = { kind: 'set' | 'delete' | 'add-key'; pathIndex: number; value: Json; key: string };

function mutate(doc: Json, m: Mutation): Json {
  const copy = structuredClone(doc);
  const all = paths(copy);
  const path = all[m.pathIndex % all.length] ?? [];
  if (path.length === 0) return m.kind === 'set' ? m.value : copy;
  let parent: any = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg];
  const last = path.at(-1) as string | number;
  if (m.kind === 'set') parent[last] = m.value;
  else if (m.kind === 'delete') Array.isArray(parent) ? parent.splice(last as number, 1) : delete parent[last];
  else if (parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last])) parent[last][m.key] = m.value;
  return copy;
}

describe('fuzz: mutated presets either validate or fail with a StresslabError', async () => {
  const presets = await Promise.all(
    (await presetNames()).map(async (name) => {
      const file = join(SCENARIOS_DIR, `${name}.json`);
      return { file, doc: parseJsonSource(readFileSync(file, 'utf8'), file) as Json };
    }),
  );

  it('1,000 structural mutations (1–3 each)', async () => {
    const mutation = fc.record({
      kind: fc.constantFrom<'set' | 'delete' | 'add-key'>('set', 'set', 'delete', 'add-key'),
      pathIndex: fc.nat(),
      value: junk,
      key: fc.constantFrom('extra', 'rate', 'name', 'every', '__proto__', 'constructor'),
    });
    let valid = 0;
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(presets.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.constantFrom(undefined, 'quick', 'full'), async (i, ms, profile) => {
        const preset = presets[i];
        if (!preset) return;
        const doc = ms.reduce<Json>((d, m) => mutate(d, m), preset.doc);
        try {
          await scenarioFromSource(doc, preset.file, { profile, check: planProblems });
          valid++;
        } catch (e) {
          if (!isStresslabError(e)) throw e;
          expect(e.code).toBe('BAD_SCENARIO');
          expect(e.format().length).toBeGreaterThan(0);
          for (const p of e.problems) expect(p.hint).toBeTruthy();
          invalid++;
        }
      }),
      { numRuns: 1000, seed: 20_240_601 },
    );
    expect(valid + invalid).toBe(1000);
    expect(invalid).toBeGreaterThan(300);
  });

  it('300 text mutations through the JSON parser', () => {
    const text = readFileSync(join(SCENARIOS_DIR, 'chaos-db.json'), 'utf8');
    fc.assert(
      fc.property(fc.nat(text.length), fc.nat(5), fc.string({ maxLength: 3 }), (at, cut, insert) => {
        const mutated = text.slice(0, at) + insert + text.slice(at + cut);
        try {
          parseJsonSource(mutated, 'chaos-db.json');
        } catch (e) {
          if (!isStresslabError(e)) throw e;
          expect(e.problems[0]?.message).toMatch(/line \d+, column \d+/);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
