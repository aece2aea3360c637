import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBaseline } from '../../../harness/baseline/baseline-store.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';
import { baselineOf } from './run-result-fixture.ts';

// A baseline that passes the schema but cannot gate used to turn the gate off silently (every
// metric no-data, exit 0), and negative latencies printed a −10,531 % change. Real files on disk.

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-baseline-values-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function refusedWith(name: string, text: string): Promise<StresslabError> {
  const file = path.join(root, name);
  await fs.writeFile(file, text);
  const e = await readBaseline(file).then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(StresslabError);
  const err = e as StresslabError;
  expect(err.code).toBe('BAD_BASELINE');
  expect(err.exitCode).toBe(ExitCode.badInput);
  expect(err.file).toBe(file);
  expect(err.format()).toContain(file);
  return err;
}

describe('a baseline that cannot gate is refused at load', () => {
  it('accepts a recorded baseline as it is', async () => {
    const file = path.join(root, 'good.json');
    await fs.writeFile(file, JSON.stringify(baselineOf()));
    expect((await readBaseline(file)).runs).toHaveLength(3);
  });

  it('refuses runs whose metrics are all empty or null: "has no metrics to gate on"', async () => {
    const b = baselineOf();
    const empty = { ...b, runs: b.runs.map((r) => ({ ...r, metrics: {}, samples: {} })) };
    const err = await refusedWith('empty.json', JSON.stringify(empty));
    expect(err.message).toMatch(/has no metrics to gate on/);
    const nulls = { ...b, runs: b.runs.map((r) => ({ ...r, metrics: Object.fromEntries(Object.keys(r.metrics).map((k) => [k, null])) })) };
    expect((await refusedWith('nulls.json', JSON.stringify(nulls))).message).toMatch(/has no metrics to gate on/);
  });

  it('refuses a negative latency, naming the JSON path', async () => {
    const b = baselineOf();
    b.runs[1]!.metrics['p95Ms'] = -12.5;
    b.runs[2]!.metrics['p50Ms{request:validate}'] = -1;
    const err = await refusedWith('negative.json', JSON.stringify(b));
    expect(err.message).toMatch(/values no run can produce/);
    expect(err.problems.map((p) => p.path)).toEqual(['runs[1].metrics.p95Ms', 'runs[2].metrics["p50Ms{request:validate}"]']);
    expect(err.problems[0]!.message).toMatch(/p95 latency -12.5 ms is negative/);
  });

  it('refuses an error rate above 1 or below 0', async () => {
    const b = baselineOf();
    b.runs[0]!.metrics['errorRate'] = 1.3;
    b.runs[2]!.metrics['errorRate'] = -0.01;
    const err = await refusedWith('rate.json', JSON.stringify(b));
    expect(err.problems.map((p) => [p.path, p.message])).toEqual([
      ['runs[0].metrics.errorRate', 'error rate 1.3 is above 1'],
      ['runs[2].metrics.errorRate', 'error rate -0.01 is negative'],
    ]);
  });

  it('refuses a non-finite number (1e999 parses as Infinity), once, with its path', async () => {
    const b = baselineOf();
    b.runs[0]!.metrics['p99Ms'] = 123456.789;
    const text = JSON.stringify(b).replace('123456.789', '1e999');
    const err = await refusedWith('infinite.json', text);
    expect(err.problems.map((p) => [p.path, p.message])).toEqual([['runs[0].metrics.p99Ms', 'Infinity is not a finite number']]);
  });
});
