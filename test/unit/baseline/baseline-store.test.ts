import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { baselinePath, readBaseline, readBaselineIfExists, writeBaseline } from '../../../harness/baseline/baseline-store.ts';
import type { BaselineFs } from '../../../harness/baseline/baseline-store.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';
import { baselineOf, runResult } from './run-result-fixture.ts';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-baseline-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function expectBadBaseline(p: Promise<unknown>, message: RegExp): Promise<StresslabError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(StresslabError);
  const err = e as StresslabError;
  expect(err.code).toBe('BAD_BASELINE');
  expect(err.exitCode).toBe(ExitCode.badInput);
  expect(err.message).toMatch(message);
  expect(err.hint).toBeTruthy();
  return err;
}

describe('baseline store', () => {
  it('follows the path convention and rejects unsafe names', () => {
    expect(baselinePath('/repo', 'staging', 'chaos-db')).toBe(path.join('/repo', 'baselines', 'staging', 'chaos-db.json'));
    expect(() => baselinePath('/repo', '../etc', 'x')).toThrow(/cannot be used/);
    expect(() => baselinePath('/repo', 'ci', 'a/b')).toThrow(/cannot be used/);
  });

  it('round-trips a baseline, creating the directory', async () => {
    const file = baselinePath(root, 'ci', 'light');
    const b = baselineOf();
    await writeBaseline(file, b);
    expect(await readBaseline(file)).toEqual(b);
    const leftovers = (await fs.readdir(path.dirname(file))).filter((f) => f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('leaves the old file intact when the process dies between write and rename', async () => {
    const file = baselinePath(root, 'ci', 'crash');
    const old = baselineOf(2);
    await writeBaseline(file, old);
    const crashing: BaselineFs = { ...fs, rename: async () => { throw new Error('simulated crash before rename'); } };
    await expect(writeBaseline(file, baselineOf(5), { fs: crashing })).rejects.toThrow(/simulated crash/);
    expect((await readBaseline(file)).runs).toHaveLength(2);
    expect((await fs.readdir(path.dirname(file))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reports corrupt JSON as BAD_BASELINE naming the file, and never replaces it silently', async () => {
    const file = baselinePath(root, 'ci', 'corrupt');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"schemaVersion": 1, "runs": [');
    const err = await expectBadBaseline(readBaseline(file), /not valid JSON/);
    expect(err.file).toBe(file);
    expect(err.format()).toContain('record a new one');
    await expectBadBaseline(writeBaseline(file, baselineOf()), /not valid JSON/);
    expect(await fs.readFile(file, 'utf8')).toBe('{"schemaVersion": 1, "runs": [');
    await writeBaseline(file, baselineOf(), { replaceCorrupt: true });
    expect((await readBaseline(file)).runs).toHaveLength(3);
  });

  it('reports a foreign schema version or a result.json as BAD_BASELINE', async () => {
    const future = path.join(root, 'future.json');
    await fs.writeFile(future, JSON.stringify({ ...baselineOf(), schemaVersion: 2 }));
    await expectBadBaseline(readBaseline(future), /schema version 1 \(schemaVersion: 2\)/);
    const result = path.join(root, 'result.json');
    await fs.writeFile(result, JSON.stringify({ ...runResult(), schemaVersion: 1 }));
    const err = await expectBadBaseline(readBaseline(result), /does not match the baseline schema/);
    expect(err.problems.length).toBeGreaterThan(0);
    const other = path.join(root, 'other.json');
    await fs.writeFile(other, '[1, 2, 3]');
    await expectBadBaseline(readBaseline(other), /schemaVersion: missing/);
  });

  it('lists every schema problem with its JSON path', async () => {
    const file = path.join(root, 'bad-fields.json');
    const b = baselineOf();
    await fs.writeFile(file, JSON.stringify({ ...b, analysis: { ...b.analysis, tolerancePct: -1 }, runs: [{ ...b.runs[0], startedAt: 'yesterday' }], extra: 1 }));
    const err = await expectBadBaseline(readBaseline(file), /does not match/);
    const paths = err.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['analysis.tolerancePct', 'runs[0].startedAt', '']));
  });

  it('distinguishes a missing baseline from a bad one', async () => {
    const file = path.join(root, 'nope', 'missing.json');
    expect(await readBaselineIfExists(file)).toBeNull();
    await expect(readBaseline(file)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
