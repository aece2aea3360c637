import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StresslabError } from '../../../../harness/core/stresslab-error.ts';
import { OUTPUT_KINDS, parseOutputs } from '../../../../harness/run/outputs/index.ts';

const cwd = mkdtempSync(path.join(os.tmpdir(), 'stresslab-outputs-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const parse = (...values: string[]) => parseOutputs(values, { flag: '--output', cwd });

async function refused(value: string): Promise<StresslabError> {
  const e = await parse(value).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(StresslabError);
  expect((e as StresslabError).code).toBe('BAD_USAGE');
  return e as StresslabError;
}

describe('--output kind=destination', () => {
  it('has one kind per file in a literal registry', () => {
    expect(Object.keys(OUTPUT_KINDS).sort()).toEqual(['openmetrics', 'prometheus-rw']);
  });

  it('parses each kind, repeatable, files relative to the working directory', async () => {
    const got = await parse('prometheus-rw=http://127.0.0.1:9090/api/v1/write', 'openmetrics=out/m.txt');
    expect(got).toEqual([
      { kind: 'prometheus-rw', url: 'http://127.0.0.1:9090/api/v1/write', shown: 'http://127.0.0.1:9090/api/v1/write', authorization: null },
      { kind: 'openmetrics', file: path.join(cwd, 'out/m.txt') },
    ]);
  });

  it('turns credentials in the URL into a Basic header and never shows them', async () => {
    const [t] = await parse('prometheus-rw=https://user:s3cr%40t@mimir.example.com/api/v1/push');
    expect(t).toEqual({ kind: 'prometheus-rw', url: 'https://mimir.example.com/api/v1/push', shown: 'https://mimir.example.com/api/v1/push', authorization: `Basic ${Buffer.from('user:s3cr@t').toString('base64')}` });
    const e = await refused('prometheus-rw=ftp://user:hunter22@host/x');
    expect(e.message).not.toContain('hunter22');
  });

  it('refuses an unknown kind with the kinds and a did-you-mean, and names the flag', async () => {
    const e = await refused('prometheus=http://127.0.0.1:9090/api/v1/write');
    expect(e.message).toContain('--output');
    expect(e.message).toContain('did you mean "prometheus-rw"');
    expect(e.message).toContain('openmetrics');
    expect(e.hint).toContain('--output prometheus-rw=http://');
  });

  it('refuses a missing destination, a URL that is not http(s), and a file it could not write', async () => {
    expect((await refused('openmetrics')).message).toContain('missing the destination');
    expect((await refused('openmetrics=')).message).toContain('missing the destination');
    expect((await refused('prometheus-rw=127.0.0.1:9090')).message).toContain('not an http(s) URL');
    mkdirSync(path.join(cwd, 'adir'));
    expect((await refused('openmetrics=adir')).message).toContain('is a directory');
    writeFileSync(path.join(cwd, 'afile'), '');
    expect((await refused('openmetrics=afile/m.txt')).message).toContain('is not a directory');
    if (process.getuid?.() !== 0) {
      mkdirSync(path.join(cwd, 'ro'));
      chmodSync(path.join(cwd, 'ro'), 0o500);
      expect((await refused('openmetrics=ro/m.txt')).message).toContain('not writable');
    }
  });
});
