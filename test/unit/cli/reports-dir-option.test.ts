import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { outputOptions } from '../../../harness/cli/output-option.ts';
import { reportsDirOf, reportsDirOptions } from '../../../harness/cli/reports-dir-option.ts';
import type { ReportsDirFlags } from '../../../harness/cli/reports-dir-option.ts';
import { completeWords, completionArgv } from '../../../harness/cli/completion.ts';

/** Parsed as `run` parses them: --reports-dir (and the deprecated --out) beside --output/-o. */
async function parse(argv: string[]): Promise<ReportsDirFlags & { output: string[] }> {
  const parsed = await outputOptions(reportsDirOptions(yargs(argv))).strict().exitProcess(false).fail((m, e) => {
    throw e ?? new Error(m);
  }).parseAsync();
  return parsed as unknown as ReportsDirFlags & { output: string[] };
}

describe('--reports-dir, the deprecated --out and --output', () => {
  it('--out and --output are two flags: neither is read as the other', async () => {
    const a = await parse(['--out', 'r1', '--output', 'openmetrics=m.txt']);
    expect(a.out).toBe('r1');
    expect(a.output).toEqual(['openmetrics=m.txt']);
    expect(a['reports-dir']).toBeUndefined();
    const b = await parse(['--output=openmetrics=m.txt', '-o', 'prometheus-rw=http://127.0.0.1:9090/api/v1/write', '--reports-dir', 'r2']);
    expect(b.out).toBeUndefined();
    expect(b.output).toEqual(['openmetrics=m.txt', 'prometheus-rw=http://127.0.0.1:9090/api/v1/write']);
    expect(b['reports-dir']).toBe('r2');
  });

  it('--out still sets the reports directory, with a one-line note; --reports-dir says nothing; the default is reports', async () => {
    const notes: string[] = [];
    const io = { err: (t: string) => void notes.push(t) };
    expect(reportsDirOf(await parse(['--out', 'old']), io)).toBe('old');
    expect(notes).toEqual(['note: --out is deprecated, use --reports-dir old (--out still works for now)']);
    expect(reportsDirOf(await parse(['--reports-dir', 'new']), io)).toBe('new');
    expect(reportsDirOf(await parse([]), io)).toBe('reports');
    expect(notes).toHaveLength(1);
  });

  it('two different directories are a usage error', async () => {
    expect(() => reportsDirOf({ out: 'a', 'reports-dir': 'b' }, { err: () => undefined })).toThrow(/--out a and --reports-dir b name two reports directories/);
  });
});

describe('completion words', () => {
  const presets = ['chaos-db', 'light', 'spike'];
  const words = ['--help', '--profile', '--quiet', '--q', '--output', '--o'];

  it('takes the words after the program name of a completion request', () => {
    expect(completionArgv(['--get-yargs-completions', 'stresslab', 'run', 'li'])).toEqual(['run', 'li']);
    expect(completionArgv(['run', 'light'])).toBeNull();
  });

  it('offers the presets where a scenario goes, the profiles after --profile, and no `--q` spelling of one-letter aliases', () => {
    expect(completeWords({ words, current: 'l', line: ['run', 'l'], presets })).toEqual(['light', '--help', '--profile', '--quiet', '--output']);
    expect(completeWords({ words: [], current: 'ch', line: ['baseline', 'record', 'ch'], presets })).toEqual(['chaos-db']);
    expect(completeWords({ words, current: '', line: ['run', 'light', '--profile', ''], presets })).toEqual(['full', 'quick']);
    expect(completeWords({ words, current: '--', line: ['run', 'light', '--'], presets })).toEqual(['--help', '--profile', '--quiet', '--output']);
    // A run directory, not a scenario, goes after `report`: no presets there.
    expect(completeWords({ words: [], current: '', line: ['report', ''], presets })).toEqual([]);
  });
});
