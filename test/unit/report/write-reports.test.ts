import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { historyLine } from '../../../harness/report/history-line.ts';
import { readHistory } from '../../../harness/report/read-history.ts';
import { renderMarkdown } from '../../../harness/report/render-markdown.ts';
import {
  appendHistory, writeHistoryReport, writeReports, writeEachReport,
} from '../../../harness/report/write-reports.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';
import { FIXTURE_FAULTS, syntheticRun } from '../../fixtures/report/synthetic-run.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'stresslab-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('writeReports', () => {
  it('writes result.json, report.md, report.html and junit.xml, leaving no temp files', async () => {
    const dir = path.join(root, 'reports', 'chaos-db', 'run-1');
    const result = loadFixtureResult();
    const written = await writeReports(dir, { result, ...syntheticRun(180, FIXTURE_FAULTS) });
    expect(Object.keys(written).sort()).toEqual(['html', 'json', 'junit', 'md']);
    expect(readdirSync(dir).sort()).toEqual(['junit.xml', 'report.html', 'report.md', 'result.json']);
    expect(runResultSchema.parse(JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')))).toEqual(result);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toBe(renderMarkdown(result));
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('writes only the formats asked for and replaces an older file', async () => {
    const dir = path.join(root, 'only-md');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'report.md'), 'old');
    await writeReports(dir, { result: loadFixtureResult(), series: [], resources: [] }, { formats: ['md'] });
    expect(readdirSync(dir)).toEqual(['report.md']);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toMatch(/^## ❌ FAIL/);
  });

  it('a failed write leaves no temp file, and the other reports are still written', async () => {
    const dir = path.join(root, 'atomic');
    mkdirSync(path.join(dir, 'report.md'), { recursive: true });
    writeFileSync(path.join(dir, 'result.json'), 'previous');
    const data = { result: loadFixtureResult(), series: [], resources: [] };
    await expect(writeReports(dir, data, { formats: ['md', 'json'] })).rejects.toThrow(/report\.md/);
    expect(readdirSync(dir).sort()).toEqual(['report.md', 'result.json']);
    expect(JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')).runId).toBe(data.result.runId);
    const each = await writeEachReport(dir, data, { formats: ['md', 'json'] });
    expect(each.failed.map((f) => f.format)).toEqual(['md']);
    expect(Object.keys(each.written)).toEqual(['json']);
  });
});

describe('history file', () => {
  it('appends one line per run and repairs a half-written last line', async () => {
    const file = path.join(root, 'reports', 'ci', 'history.jsonl');
    const line = historyLine(loadFixtureResult(), 'sha1');
    await appendHistory(file, line);
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"schemaVersion":1,"run`, { flag: 'w' });
    await appendHistory(file, { ...line, runId: 'second' });
    const { lines, problems } = await readHistory(file);
    expect(lines.map((l) => l.runId)).toEqual([line.runId, 'second']);
    expect(problems.map((p) => p.path)).toEqual(['line 2']);
    const page = await writeHistoryReport(file, { title: 'ci' });
    expect(page).toBe(path.join(root, 'reports', 'ci', 'history.html'));
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('1 unreadable lines were skipped');
    expect(html).toContain('second');
  });

  it('a file without one readable history line is an input error naming its lines (exit 2), and writes no page', async () => {
    const file = path.join(root, 'garbage', 'history.jsonl');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'not json\n{"schemaVersion":1}\n');
    const error = await writeHistoryReport(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StresslabError);
    expect((error as StresslabError).exitCode).toBe(2);
    expect((error as StresslabError).format()).toMatch(/holds no readable history line \(2 unreadable\)[\s\S]*line 1[\s\S]*line 2/);
    expect(existsSync(path.join(root, 'garbage', 'history.html'))).toBe(false);
  });

  it('a missing history file is a clear input error (exit 2)', async () => {
    const error = await readHistory(path.join(root, 'nope', 'history.jsonl')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StresslabError);
    expect((error as StresslabError).code).toBe('FILE_NOT_FOUND');
    expect((error as StresslabError).exitCode).toBe(2);
  });
});
