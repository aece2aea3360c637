import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { readRunRecord } from '../../../harness/run/read-run-record.ts';
import { writeRunRecord } from '../../../harness/run/write-run-record.ts';
import { fixtureRunDir } from '../../fixtures/run-record/load-run-record.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-read-record-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A copy of the recorded stall-chaos run directory, with record.json changed by `edit`. */
async function copyWith(name: string, edit?: (meta: Record<string, unknown>) => void): Promise<string> {
  const dir = path.join(tmp, name);
  await fs.cp(fixtureRunDir('stall-chaos'), dir, { recursive: true });
  if (edit) {
    const meta = JSON.parse(await fs.readFile(path.join(dir, 'record.json'), 'utf8')) as Record<string, unknown>;
    edit(meta);
    await fs.writeFile(path.join(dir, 'record.json'), JSON.stringify(meta));
  }
  return dir;
}

async function failure(dir: string): Promise<StresslabError> {
  const e = await readRunRecord(dir).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(StresslabError);
  return e as StresslabError;
}

describe('readRunRecord', () => {
  it('reads record.json and the timeline split by line type', async () => {
    const r = await readRunRecord(fixtureRunDir('stall-chaos'));
    expect(r.meta).toMatchObject({ complete: true, runId: '20261202T161540Z-bd11', seed: 13, probeIntervalMs: 500 });
    expect(r.meta.plan.faults.map((f) => f.name)).toEqual(['net-latency#1', 'net-partition#1']);
    expect([r.timeline.seconds.length, r.timeline.late.length, r.timeline.probes.length, r.timeline.resources.length, r.timeline.events.length]).toEqual([45, 1, 85, 43, 8]);
  });

  it('writes what it reads back (atomically, validated)', async () => {
    const dir = path.join(tmp, 'roundtrip');
    const { meta } = await readRunRecord(fixtureRunDir('stall-chaos'));
    await fs.mkdir(dir);
    await fs.copyFile(path.join(fixtureRunDir('stall-chaos'), 'timeline.jsonl'), path.join(dir, 'timeline.jsonl'));
    await writeRunRecord(dir, meta);
    expect((await readRunRecord(dir)).meta).toEqual(meta);
    expect((await fs.readdir(dir)).sort()).toEqual(['record.json', 'timeline.jsonl']); // no temp file left
    await expect(writeRunRecord(dir, { ...meta, probeIntervalMs: -1 })).rejects.toThrow();
    expect((await readRunRecord(dir)).meta.probeIntervalMs).toBe(500); // the bad copy never replaced the good one
  });

  it('a run directory from before run records: exit 2, names the missing file and what still works', async () => {
    const dir = await copyWith('old');
    await fs.rm(path.join(dir, 'record.json'));
    const e = await failure(dir);
    expect(e.code).toBe('BAD_RESULT');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`${dir} has no record.json`);
    expect(e.message).toContain('older stresslab');
    expect(e.hint).toContain('without --reanalyze');
  });

  it('a field of the wrong type: exit 2 with the file and the field', async () => {
    const dir = await copyWith('bad-field', (m) => {
      (m['plan'] as { phases: Array<Record<string, unknown>> }).phases[0]!['executor'] = 'constant-rate';
      m['endMs'] = 'soon';
    });
    const e = await failure(dir);
    expect(e.exitCode).toBe(2);
    expect(e.file).toBe(path.join(dir, 'record.json'));
    expect(e.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['endMs', 'plan.phases.0.executor']));
    expect(e.format()).toMatch(/record\.json at endMs: /);
  });

  it('another schema version, torn JSON, a missing timeline: each exit 2 with its own message', async () => {
    const future = await failure(await copyWith('future', (m) => (m['schemaVersion'] = 2)));
    expect(future.message).toMatch(/schemaVersion 2; this stresslab reads version 1/);
    const torn = await copyWith('torn');
    await fs.writeFile(path.join(torn, 'record.json'), '{"schemaVersion": 1, "runId"');
    expect((await failure(torn)).message).toMatch(/record\.json is not valid JSON/);
    const noTimeline = await copyWith('no-timeline');
    await fs.rm(path.join(noTimeline, 'timeline.jsonl'));
    const e = await failure(noTimeline);
    expect(e.code).toBe('BAD_RESULT');
    expect(e.message).toMatch(/timeline\.jsonl is missing/);
  });
});
