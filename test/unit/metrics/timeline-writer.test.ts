import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTimeline, readTimeline } from '../../../harness/metrics/timeline-reader.ts';
import type { TimelineLine } from '../../../harness/contract/timeline-types.ts';
import { TimelineWriter } from '../../../harness/metrics/timeline-writer.ts';
import { resetFailpoints } from '../../../harness/core/failpoint.ts';
import { isStresslabError } from '../../../harness/core/stresslab-error.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stresslab-timeline-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function second(t: number): TimelineLine {
  return { type: 'second', t, phase: 'p', requests: {}, droppedIterations: t };
}

describe('TimelineWriter', () => {
  it('appends lines in order and hands each to the OS promptly', async () => {
    const file = join(dir, 'timeline.jsonl');
    const w = await TimelineWriter.open(file);
    w.write({ type: 'event', atMs: 0, event: 'run-start' });
    for (let t = 0; t < 500; t++) w.write(second(t));
    await w.flush();
    // visible to another reader before close: a crash now would lose nothing
    const mid = parseTimeline(await readFile(file, 'utf8'), file);
    expect(mid).toHaveLength(501);
    w.write(second(500));
    await w.close();
    const lines = await readTimeline(file);
    expect(lines).toHaveLength(502);
    expect(lines.slice(1).map((l) => (l.type === 'second' ? l.t : -1))).toEqual(Array.from({ length: 501 }, (_, i) => i));
  });

  it('does not block the caller: write() returns before the data is on disk', async () => {
    const file = join(dir, 'timeline.jsonl');
    const w = await TimelineWriter.open(file);
    const big = { type: 'event', atMs: 0, event: 'run-start', detail: 'x'.repeat(200_000) } as const;
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) w.write(big);
    expect(performance.now() - t0).toBeLessThan(100);
    await w.close();
    expect((await readTimeline(file)).length).toBe(20);
    expect(() => w.write(big)).toThrow(/closed/);
  });
});

describe('TimelineWriter on a failing disk', () => {
  it('keeps whole lines, reports the error once and drops later lines without throwing', async () => {
    const file = join(dir, 'timeline.jsonl');
    const errors: unknown[] = [];
    // From its 3rd write on, the disk is "full" (failpoint.ts; a real full disk is tested in test/reliability/).
    const env = process.env.STRESSLAB_FAILPOINTS;
    process.env.STRESSLAB_FAILPOINTS = 'timeline-write@3';
    resetFailpoints();
    try {
      const w = await TimelineWriter.open(file, { onError: (e) => errors.push(e) });
      for (let t = 0; t < 5; t++) {
        w.write(second(t));
        await w.flush();
      }
      expect(w.error).toBeInstanceOf(Error);
      expect((w.error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      expect(w.dropped).toBe(3);
      await w.close();
    } finally {
      if (env === undefined) delete process.env.STRESSLAB_FAILPOINTS;
      else process.env.STRESSLAB_FAILPOINTS = env;
    }
    expect(errors).toHaveLength(1);
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect((await readTimeline(file)).map((l) => (l.type === 'second' ? l.t : -1))).toEqual([0, 1]);
  });
});

describe('readTimeline', () => {
  it('skips a truncated last line (a crash mid-write)', async () => {
    const file = join(dir, 'timeline.jsonl');
    await writeFile(file, `${JSON.stringify(second(0))}\n${JSON.stringify(second(1))}\n`);
    await appendFile(file, JSON.stringify(second(2)).slice(0, 25));
    const lines = await readTimeline(file);
    expect(lines).toHaveLength(2);
  });

  it('names file and line for a bad line in the middle', async () => {
    const file = join(dir, 'timeline.jsonl');
    await writeFile(file, `${JSON.stringify(second(0))}\n{oops\n${JSON.stringify(second(2))}\n`);
    const err = await readTimeline(file).catch((e: unknown) => e);
    expect(isStresslabError(err)).toBe(true);
    expect(String((err as Error).message)).toContain(`${file}:2`);
    expect(() => parseTimeline('{"type":"nope"}\n', 'x.jsonl')).toThrow(/x\.jsonl:1: unknown line type "nope"/);
  });

  it('reports a missing file as FILE_NOT_FOUND', async () => {
    const err = await readTimeline(join(dir, 'missing.jsonl')).catch((e: unknown) => e);
    expect(isStresslabError(err) && err.code).toBe('FILE_NOT_FOUND');
  });
});
