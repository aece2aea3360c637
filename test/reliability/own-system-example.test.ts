import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import { processesOf } from '../support/run-processes.ts';

/**
 * README "Against your own system", as pasted: `FORGET_EVERY=50 stresslab run
 * examples/own-system/jobs.json --profile quick`. The example service (its own API, started by
 * target.start) never stores every 50th accepted job; the `get` audit must count exactly those as
 * lost, the latency fault on proxy `api` must be observed and recovered, and nothing the run
 * started may be left running.
 */
const BIN = fileURLToPath(new URL('../../bin/stresslab.mjs', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../examples/own-system/jobs.json', import.meta.url));
let dir = '';

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-own-system-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('README example: against your own system', () => {
  it('starts the jobs service, observes the fault, and the get audit finds exactly the planted losses', async () => {
    const stateDir = await fs.mkdtemp(path.join(dir, 'state-'));
    const outDir = path.join(dir, 'out');
    const env = { ...process.env, STRESSLAB_STATE_DIR: stateDir, FORGET_EVERY: '50' };
    delete (env as Record<string, string | undefined>).STRESSLAB_LEDGER;
    const child = spawn(process.execPath, [BIN, 'run', SCENARIO, '--profile', 'quick', '--reports-dir', outDir, '--no-baseline', '--seed', '3'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(killer);

    const runsDir = path.join(outDir, 'own-system-jobs');
    const runs = existsSync(runsDir) ? readdirSync(runsDir) : [];
    expect(runs, output).toHaveLength(1);
    const runDir = path.join(runsDir, runs[0] as string);
    const result = runResultSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8')));
    const integrity = result.integrity;
    expect(integrity?.status, output).toBe('complete');
    // Jobs are numbered as the service accepts them: exactly ⌊accepted / 50⌋ were never stored.
    const accepted = integrity?.accepted ?? 0;
    expect(accepted).toBeGreaterThan(500);
    expect(integrity?.lost).toBe(Math.floor(accepted / 50));
    expect(integrity?.duplicated).toBe(0);
    expect(result.verdict).toBe('fail');
    expect(code).toBe(1);
    expect(result.reasons.filter((r) => !/accepted executions were lost|lost_executions/.test(r)), output).toEqual([]);

    const [fault] = result.faults;
    expect(fault?.effect, JSON.stringify(fault?.evidence)).toBe('observed');
    expect(fault?.recovered).toBe(true);
    expect(result.resources.target).not.toBeNull();
    expect(result.target.start).toBeDefined();
    expect(readFileSync(path.join(runDir, 'target.log'), 'utf8')).toMatch(/jobs-service listening on/);
    expect(processesOf(stateDir)).toEqual([]);
  }, 180_000);
});
