import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { historyLine } from '../../../harness/report/history-line.ts';
import { readHistory } from '../../../harness/report/read-history.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'stresslab-read-history-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function historyFile(name: string, lines: string[]): string {
  const file = path.join(root, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const good = (runId: string): string => JSON.stringify({ ...historyLine(loadFixtureResult(), 'abc1234'), runId });

describe('readHistory: one reader, lenient for the trend page and strict for history check', () => {
  it('lenient: readable lines come back, damaged ones as problems naming their line', async () => {
    const file = historyFile('mixed.jsonl', [good('a'), 'not json', good('b')]);
    const { lines, problems } = await readHistory(file);
    expect(lines.map((l) => l.runId)).toEqual(['a', 'b']);
    expect(problems.map((p) => p.path)).toEqual(['line 2']);
  });

  it('strict: the same file is an input error (exit 2) naming the file and the line; a clean file reads the same both ways', async () => {
    const file = historyFile('mixed-strict.jsonl', [good('a'), 'not json', good('b')]);
    const error = await readHistory(file, { strict: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StresslabError);
    expect((error as StresslabError).exitCode).toBe(2);
    expect((error as StresslabError).format()).toMatch(/has 1 damaged line; the check refuses a damaged history[\s\S]*line 2/);
    const clean = historyFile('clean.jsonl', [good('a'), good('b')]);
    expect(await readHistory(clean, { strict: true })).toEqual(await readHistory(clean));
  });

  it('a missing file and a directory are input errors (exit 2) in both modes', async () => {
    const dir = path.join(root, 'a-directory');
    mkdirSync(dir);
    for (const strict of [false, true]) {
      const missing = await readHistory(path.join(root, 'nope.jsonl'), { strict }).catch((e: unknown) => e);
      expect((missing as StresslabError).code).toBe('FILE_NOT_FOUND');
      expect((missing as StresslabError).message).toContain('no run history at');
      const unreadable = await readHistory(dir, { strict }).catch((e: unknown) => e);
      expect((unreadable as StresslabError).exitCode).toBe(2);
      expect((unreadable as StresslabError).message).toContain(`cannot read ${dir}`);
    }
  });
});
