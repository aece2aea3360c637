import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../harness/cli/main.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';
import { captureIo } from './validate-list-plan-io.ts';

// A bad --output is refused at the edge: exit 2 naming the flag and the fix, before the scenario
// is loaded or anything started, with nothing written.
let cwd: string;
beforeAll(async () => {
  cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-output-flag-'));
});
afterAll(async () => {
  await fs.rm(cwd, { recursive: true, force: true });
});

describe('--output on the command line', () => {
  it.each([
    [['run', 'light', '--profile', 'quick', '-o', 'influxdb=http://127.0.0.1:8086'], 'unknown output kind "influxdb"'],
    [['run', 'light', '--profile', 'quick', '--output', 'prometheus-rw=localhost:9090'], 'not an http(s) URL'],
    [['run', 'light', '-o', 'openmetrics'], 'missing the destination'],
    [['report', 'reports/x/y', '-o', 'prom=http://127.0.0.1:9090/api/v1/write'], 'did you mean "prometheus-rw"'],
    [['report', '--history', 'h.jsonl', '-o', 'openmetrics=m.txt'], 'not a history file'],
  ])('%j → exit 2', async (argv, message) => {
    const io = captureIo(cwd);
    const code = await main(argv, io);
    expect(code, io.stderr.join('\n')).toBe(ExitCode.badInput);
    const err = io.stderr.join('\n');
    expect(err).toContain(message);
    expect(err).toContain('--output');
    expect(await fs.readdir(cwd)).toEqual([]);
  });
});
