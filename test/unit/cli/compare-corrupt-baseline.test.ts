import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../harness/cli/main.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';
import { newBaseline } from '../../../harness/baseline/baseline-builder.ts';
import { runResult } from '../baseline/run-result-fixture.ts';
import { captureIo } from './validate-list-plan-io.ts';

// `compare` used to fall back to the result-file parser whenever the baseline parser refused the
// file, so a corrupt baseline was reported as "not a stresslab result". Real files in a temp dir.

let dir: string;
let result: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-compare-'));
  result = path.join(dir, 'result.json');
  await fs.writeFile(result, JSON.stringify(runResult()));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function compare(reference: string): Promise<{ code: number; stderr: string; stdout: string }> {
  const io = captureIo(dir);
  const code = await main(['compare', result, reference], io);
  return { code, stderr: io.stderr.join('\n'), stdout: io.stdout.join('\n') };
}

describe('compare with a corrupt baseline', () => {
  it('shows the baseline parser\'s problems with file and JSON path', async () => {
    const file = path.join(dir, 'light.json');
    await fs.writeFile(file, JSON.stringify({ schemaVersion: 1, createdAt: 'yesterday', runs: [] }));
    const { code, stderr } = await compare(file);
    expect(code).toBe(ExitCode.badInput);
    expect(stderr).toContain(`baseline ${file} does not match the baseline schema`);
    expect(stderr).toContain(`${file} at createdAt:`);
    expect(stderr).toContain(`${file} at runs:`);
    expect(stderr).not.toContain('not a stresslab result');
  });

  it('says a non-JSON baseline is not valid JSON, as a baseline', async () => {
    const file = path.join(dir, 'truncated.json');
    await fs.writeFile(file, '{"schemaVersion": 1, "runs": [');
    const { code, stderr } = await compare(file);
    expect(code).toBe(ExitCode.badInput);
    expect(stderr).toContain(`baseline ${file} is not valid JSON`);
  });

  it('shows the value check of a baseline with negative latencies', async () => {
    const file = path.join(dir, 'negative.json');
    const b = newBaseline([runResult(), runResult({ runId: 'run-2' })], { nowIso: '2026-01-01T00:00:00.000Z', harnessVersion: '0.1.0' });
    b.runs[0]!.metrics['p95Ms'] = -105;
    await fs.writeFile(file, JSON.stringify(b));
    const { code, stderr } = await compare(file);
    expect(code).toBe(ExitCode.badInput);
    expect(stderr).toContain(`${file} at runs[0].metrics.p95Ms: p95 latency -105 ms is negative`);
  });

  it('still compares with another result.json', async () => {
    const other = path.join(dir, 'other');
    await fs.mkdir(other);
    await fs.writeFile(path.join(other, 'result.json'), JSON.stringify(runResult({ runId: 'run-0' })));
    const { code, stdout } = await compare(other);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toContain('no gated regression');
  });
});
