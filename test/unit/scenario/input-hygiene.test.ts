import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { decodeUtf8, invalidUtf8Offset } from '../../../harness/core/decode-utf8.ts';
import { isStresslabError } from '../../../harness/core/stresslab-error.ts';
import { compileJsonTemplate } from '../../../harness/core/template.ts';
import type { TemplateProblem } from '../../../harness/core/template.ts';
import { createRng } from '../../../harness/core/seeded-rng.ts';
import { buildPlan } from '../../../harness/plan/build-plan.ts';
import { loadPlan } from '../../../harness/plan/load-plan.ts';
import { INPUT_LIMITS } from '../../../harness/scenario/input-limits.ts';
import { duplicateJsonKeys } from '../../../harness/scenario/json-duplicate-keys.ts';
import { jsonErrorPosition } from '../../../harness/scenario/json-syntax-error.ts';
import { loadScenario } from '../../../harness/scenario/load-scenario.ts';
import { captureIo } from '../../support/capture-io.ts';
import { baseScenario, scenarioDir } from './scenario-test-files.ts';

type Scenario = Record<string, any>;
const files = scenarioDir();

/** `stresslab validate FILE` as a user runs it: exit code and everything printed. */
async function validate(file: string): Promise<{ code: number; out: string }> {
  const io = captureIo(files.dir);
  const code = await main(['validate', file], io);
  return { code, out: io.stdout() + io.stderr() };
}

function withBody(body: unknown): Scenario {
  const s = baseScenario();
  (s.requests as Scenario[])[1]!.body = body;
  return s;
}

const nested = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('input hygiene: encoding', () => {
  it('accepts a UTF-8 BOM in JSON and YAML scenarios, with the same hash as without', async () => {
    const text = JSON.stringify(baseScenario());
    const plain = files.write('plain.json', text);
    const bomJson = files.write('bom.json', `\uFEFF${text}`);
    const bomYaml = files.write('bom.yaml', `\uFEFF${text}`);
    expect(await validate(bomJson)).toMatchObject({ code: 0 });
    expect(await validate(bomYaml)).toMatchObject({ code: 0 });
    const hash = async (f: string): Promise<string> => (await loadScenario(f, { cwd: files.dir })).hash;
    expect(await hash(bomJson)).toBe(await hash(plain));
  });

  it('refuses invalid UTF-8 with the byte offset, line and column', async () => {
    const text = JSON.stringify(baseScenario(), null, 2);
    const at = text.indexOf('unit-test');
    const file = join(files.dir, 'latin1.json');
    writeFileSync(file, Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xe9]), Buffer.from(text.slice(at))]));
    const { code, out } = await validate(file);
    expect(code).toBe(2);
    expect(out).toContain(`${file} is not valid UTF-8: byte ${at} (0xe9, line 3,`);
  });

  it('finds the first malformed byte: overlong, surrogate, truncated, above U+10FFFF', () => {
    const ok = Buffer.from('aé✓😀');
    expect(invalidUtf8Offset(ok)).toBe(-1);
    expect(invalidUtf8Offset(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(invalidUtf8Offset(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(invalidUtf8Offset(Buffer.from([0xe2, 0x82]))).toBe(0);
    expect(invalidUtf8Offset(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(invalidUtf8Offset(Buffer.from([0x61, 0xe2, 0x28, 0xa1]))).toBe(1);
    expect(invalidUtf8Offset(Buffer.from([0x61, 0xa1]))).toBe(1);
    expect(decodeUtf8(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ ok: true, text: 'a' });
  });

  it('refuses duplicate JSON keys with the JSON path and the line, like duplicate YAML keys', async () => {
    const text = JSON.stringify(baseScenario(), null, 2).replace('"rate": 20,', '"rate": 20,\n      "rate": 2000,');
    const file = files.write('dup.json', text);
    const { code, out } = await validate(file);
    expect(code).toBe(2);
    expect(out).toMatch(new RegExp(`${file} at load\\[0\\]\\.rate: line \\d+, column 7: key "rate" is written twice`));
    const yaml = files.write('dup.yaml', 'name: a\nname: b\n');
    expect((await validate(yaml)).out).toMatch(/Map keys must be unique/);
  });

  it('treats escaped and plain spellings of a key as the same key', () => {
    const text = '{"a": {"b": 1, "\\u0062": 2}, "c": ["{\\"", {"d": 1, "d": 2}]}';
    expect(duplicateJsonKeys(text)).toEqual([
      { path: ['a', 'b'], offset: text.indexOf('"\\u0062"') },
      { path: ['c', 1, 'd'], offset: text.lastIndexOf('"d"') },
    ]);
    expect(duplicateJsonKeys('{"a": "a", "b": {"a": 1}}')).toEqual([]);
  });
});

describe('input hygiene: bodyFile must be a regular file under the size limit', () => {
  const withBodyFile = (name: string, bodyFile: string): string => {
    const s = baseScenario();
    (s.requests as Scenario[])[0]!.bodyFile = bodyFile;
    return files.write(name, s);
  };

  it('refuses a FIFO by name, without waiting for a writer', async () => {
    const fifo = join(files.dir, 'data', 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    const { code, out } = await validate(withBodyFile('fifo.json', 'data/pipe.json'));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(code).toBe(2);
    expect(out).toContain(`at requests[0].bodyFile: body file ${fifo} is a FIFO, not a regular file`);
  });

  it('refuses a device and a directory by name', async () => {
    const dev = await validate(withBodyFile('dev.json', '/dev/zero'));
    expect(dev.code).toBe(2);
    expect(dev.out).toContain('body file /dev/zero is a character device, not a regular file');
    mkdirSync(join(files.dir, 'data', 'folder.json'));
    const dir = await validate(withBodyFile('dir.json', 'data/folder.json'));
    expect(dir.out).toContain(`${join(files.dir, 'data', 'folder.json')} is a directory, not a regular file`);
    const missing = await validate(withBodyFile('missing.json', 'data/nope.json'));
    expect(missing.out).toMatch(/at requests\[0\]\.bodyFile: body file .*nope\.json not found/);
  });

  it('refuses a body file over 10 MiB before reading it, and bad UTF-8 or duplicate keys inside one', async () => {
    writeFileSync(join(files.dir, 'data', 'big.txt'), Buffer.alloc(INPUT_LIMITS.maxBodyBytes + 1, 0x61));
    const big = await validate(withBodyFile('big.json', 'data/big.txt'));
    expect(big.code).toBe(2);
    expect(big.out).toMatch(/big\.txt is 10\.0 MiB, more than the limit of 10 MiB/);
    writeFileSync(join(files.dir, 'data', 'latin1.txt'), Buffer.from([0x61, 0x0a, 0x62, 0xff]));
    expect((await validate(withBodyFile('l1.json', 'data/latin1.txt'))).out).toMatch(/latin1\.txt is not valid UTF-8: byte 3 \(0xff, line 2, column 2\)/);
    writeFileSync(join(files.dir, 'data', 'dup-body.json'), '{"rows": [{"id": 1, "id": 2}]}');
    expect((await validate(withBodyFile('db.json', 'data/dup-body.json'))).out).toMatch(/dup-body\.json is not valid JSON: at rows\[0\]\.id: line 1, column 21: key "id" is written twice/);
  });

  it('accepts a body file with a BOM', async () => {
    writeFileSync(join(files.dir, 'data', 'bom-body.json'), `\uFEFF${JSON.stringify({ rows: [] })}`);
    expect(await validate(withBodyFile('bb.json', 'data/bom-body.json'))).toMatchObject({ code: 0 });
  });
});

describe('limits instead of crashes', () => {
  it('refuses a body nested deeper than 64 levels (inline and from a file) and accepts 64', async () => {
    expect((await validate(files.write('d64.json', withBody(JSON.parse(nested(63)))))).code).toBe(0);
    const deep = await validate(files.write('d65.json', withBody(JSON.parse(nested(65)))));
    expect(deep.code).toBe(2);
    expect(deep.out).toContain('at requests[1].body: the body is nested deeper than the limit of 64 levels');
    writeFileSync(join(files.dir, 'data', 'deep.json'), nested(3000));
    const s = baseScenario();
    (s.requests as Scenario[])[0]!.bodyFile = 'data/deep.json';
    expect((await validate(files.write('dfile.json', s))).out).toContain('at requests[0].bodyFile: data/deep.json is nested deeper than the limit of 64 levels');
  });

  it('refuses a scenario nested 3,000 levels deep with exit 2 and a path (JSON) or a line (YAML)', async () => {
    const text = JSON.stringify(withBody('DEEP')).replace('"DEEP"', nested(3000));
    const json = await validate(files.write('deep.json', text));
    expect(json.code).toBe(2);
    expect(json.out).toContain('at requests[1].body: holds objects or lists nested deeper than the limit of 100 levels');
    const yaml = await validate(files.write('deep.yaml', text));
    expect(yaml.code).toBe(2);
    expect(yaml.out).toMatch(/deep\.yaml: line 1, column \d+: nested deeper than the limit of 100 levels/);
    // Megabytes of brackets: found by the lexer before the parser spends seconds on them.
    const started = performance.now();
    const big = await validate(files.write('brackets.yaml', `name: x\ndescription: "[[[ not nesting"\nrequests: ${nested(1_000_000)}\n`));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(big.out).toMatch(/brackets\.yaml: line 3, column 111: nested deeper than the limit of 100 levels/);
    // A syntax error at the end of a deep text is located without recursing.
    expect(jsonErrorPosition(`${'['.repeat(100_000)}1,]`)).toEqual({ line: 1, column: 100_003 });
  });

  it('refuses an inline body over 10 MiB (YAML aliases make one from a small file)', async () => {
    const chunk = 'x'.repeat(200_000);
    const refs = Array.from({ length: 60 }, () => '*big').join(', ');
    const yaml = `${JSON.stringify(withBody('BODY')).replace('"BODY"', `{"parts": [&big "${chunk}", ${refs}]}`)}`;
    const { code, out } = await validate(files.write('alias.yaml', yaml));
    expect(code).toBe(2);
    expect(out).toMatch(/at requests\[1\]\.body: the body is 11\.\d MiB as JSON, more than the limit of 10 MiB/);
  });

  it('refuses a scenario file over 10 MiB and a list of more than 10,000 entries', async () => {
    const huge = files.write('huge.json', JSON.stringify({ ...baseScenario(), description: 'x'.repeat(INPUT_LIMITS.maxScenarioBytes) }));
    expect((await validate(huge)).out).toMatch(/huge\.json is 10\.0 MiB, more than the limit of 10 MiB/);
    const s = baseScenario();
    (s.requests as Scenario[])[0]!.expect = { status: Array.from({ length: 150_000 }, () => 'x') };
    const { code, out } = await validate(files.write('many.json', s));
    expect(code).toBe(2);
    expect(out).toContain('at requests[0].expect.status: has 150,000 entries, more than the limit of 10,000');
  });

  it('refuses more than 10,000 fault injections without expanding them, and plans exactly 10,000', async () => {
    const s = baseScenario();
    s.load = [{ name: 'long', executor: 'constant-vus', vus: 1, duration: '100h' }];
    s.faults = [{ kind: 'db-latency', at: '1s', duration: '1s', every: '2s', latencyMs: 10 }];
    delete s.profiles;
    const started = performance.now();
    const over = await validate(files.write('every.json', s));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(over.code).toBe(2);
    expect(over.out).toContain('at faults[0].every: every 2s over a load of 100h makes 180,000 injections, more than the limit of 10,000 per scenario');
    // 1 s + 9,999 × 2 s + 1 s of fault = 20,000 s of load: exactly the limit.
    s.load = [{ name: 'long', executor: 'constant-vus', vus: 1, duration: '20000s' }];
    const { loaded, plan } = await loadPlan(files.write('every-max.json', s), { cwd: files.dir, seed: 1 });
    expect(plan.faults).toHaveLength(INPUT_LIMITS.maxFaultInjections);
    expect(buildPlan(loaded.scenario, { seed: 1, profile: null }).faults.at(-1)?.name).toBe('db-latency#10000');
  });

  it('compiles a body nested 100,000 levels deep without recursion (the loader refuses it; the compiler must not crash)', () => {
    let body: unknown = { id: '{{seq}}' };
    for (let i = 0; i < 100_000; i++) body = [body];
    const problems: TemplateProblem[] = [];
    const t = compileJsonTemplate(body, problems);
    expect(problems).toEqual([]);
    let seq = 0;
    const text = t.render({ rng: createRng(1), nextSeq: () => ++seq, captured: () => undefined, env: () => undefined });
    expect(text).toBe(`${'['.repeat(100_000)}{"id":"1"}${']'.repeat(100_000)}`);
    const bad: TemplateProblem[] = [];
    compileJsonTemplate([[{ a: '{{nope}}' }]], bad);
    expect(bad[0]?.path).toEqual([0, 0, 'a']);
  });
});

describe('an internal error while loading is exit 70, never exit 2', () => {
  it('wraps anything but a StresslabError as INTERNAL with the bug wording', async () => {
    const file = files.write('ok.json', baseScenario());
    const err = await loadScenario(file, {
      cwd: files.dir,
      // The loader's own seam for further checks; a throwing check stands for a bug anywhere in loading.
      check: () => {
        throw new TypeError('boom');
      },
    }).catch((e: unknown) => e);
    expect(isStresslabError(err) && err.code).toBe('INTERNAL');
    expect(isStresslabError(err) && err.exitCode).toBe(70);
    expect(String((err as Error).message)).toContain('boom');
    expect(isStresslabError(err) && err.hint).toMatch(/bug in stresslab/);
  });
});
