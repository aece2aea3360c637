import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimeline, readTimeline } from '../../../harness/metrics/timeline-reader.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-timeline-reader-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const second = (t: number) => JSON.stringify({ type: 'second', t, phase: 'p', requests: {}, droppedIterations: 0 });
const late = (t: number) => JSON.stringify({ type: 'late', t, phase: 'p', requests: {}, droppedIterations: 1 });
// Long lines: a few thousand of them span several 1 MiB read chunks.
const event = (atMs: number) => JSON.stringify({ type: 'event', atMs, event: 'fault-error', detail: 'x'.repeat(900) });

describe('readTimeline', () => {
  it('reads every line type, late lines included, across read chunks of 1 MiB', async () => {
    const lines = Array.from({ length: 9_000 }, (_, i) => (i % 3 === 0 ? second(i) : i % 3 === 1 ? late(i) : event(i)));
    const file = path.join(dir, 'big.jsonl');
    await fs.writeFile(file, `${lines.join('\n')}\n`);
    const read = await readTimeline(file);
    expect((await fs.stat(file)).size).toBeGreaterThan(2.5 * 2 ** 20);
    expect(read).toHaveLength(9_000);
    expect(read.filter((l) => l.type === 'late')).toHaveLength(3_000);
    expect(read.map((l) => (l.type === 'second' || l.type === 'late' ? l.t : l.type === 'event' ? l.atMs : -1))).toEqual(lines.map((_, i) => i));
    // the same as parsing the text at once
    expect(JSON.stringify(read)).toBe(JSON.stringify(parseTimeline(`${lines.join('\n')}\n`, file)));
  });

  it('skips a torn last line (a crash mid-write) but names the line of any other bad one', async () => {
    const torn = path.join(dir, 'torn.jsonl');
    await fs.writeFile(torn, `${second(0)}\n${late(0)}\n{"type":"sec`);
    expect((await readTimeline(torn)).map((l) => l.type)).toEqual(['second', 'late']);
    const bad = path.join(dir, 'bad.jsonl');
    await fs.writeFile(bad, `${second(0)}\n{"type":"sec\n${second(1)}\n`);
    await expect(readTimeline(bad)).rejects.toThrow(/bad\.jsonl:2: not valid JSON/);
    const unknown = path.join(dir, 'unknown.jsonl');
    await fs.writeFile(unknown, `${second(0)}\n{"type":"lately"}\n`);
    await expect(readTimeline(unknown)).rejects.toThrow(/unknown\.jsonl:2: unknown line type "lately"/);
  });

  it('a missing file is FILE_NOT_FOUND (exit 2)', async () => {
    const e = await readTimeline(path.join(dir, 'none.jsonl')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StresslabError);
    expect((e as StresslabError).code).toBe('FILE_NOT_FOUND');
    expect((e as StresslabError).exitCode).toBe(2);
  });
});
