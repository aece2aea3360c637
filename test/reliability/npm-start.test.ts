import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import { repoRoot } from '../../harness/core/repo-root.ts';

/**
 * `npm start` as a user runs it on a fresh machine: the light preset, quick profile, embedded target.
 * A whole run of about a minute, so in the reliability project (`.ci/run` runs it), out of `npm
 * test`'s 10 minutes.
 */
describe('npm start', () => {
  it('runs the light quick scenario end to end against the embedded target and writes a valid result.json', async () => {
    const child = spawn('npm', ['start', '--silent', '--', '--seed', '11', '--no-baseline'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, `${out}\n${err}`).toBe(0);
    const dir = /results: (\S+?)\/? \(/.exec(out)?.[1];
    expect(dir, out).toBeDefined();
    const runDir = path.resolve(repoRoot, dir!);
    try {
      const result = runResultSchema.parse(JSON.parse(await fs.readFile(path.join(runDir, 'result.json'), 'utf8')));
      expect(result.verdict).toBe('pass');
      expect(result.scenario).toMatchObject({ name: 'light', profile: 'quick' });
      expect(result.target.embedded).toBe(true);
      expect(Object.keys(result.requests).sort()).toEqual(['execute', 'status', 'validate-100', 'validate-1k']);
      expect(result.totals.requests).toBeGreaterThan(1000);
      expect(result.totals.errors).toBe(0);
      const timeline = (await fs.readFile(path.join(runDir, 'timeline.jsonl'), 'utf8')).trim().split('\n');
      expect(timeline.filter((l) => l.includes('"type":"second"')).length).toBeGreaterThanOrEqual(40);
    } finally {
      await fs.rm(runDir, { recursive: true, force: true });
    }
  }, 180_000);
});
