import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../harness/cli/main.ts';
import { ExitCode } from '../../../harness/core/exit-codes.ts';
import { checkPortsFree } from '../../../harness/run/check-ports-free.ts';
import { closedPort } from '../../support/servers/spawn-test-server.ts';
import { captureIo } from '../../support/capture-io.ts';

// Everything about --reports-dir, declared ports and a remote Toxiproxy is checked before PostgreSQL, the
// target or the load start. Real directories, real mounts (a tiny tmpfs, a read-only one) and real
// sockets. Each refusal must come back fast and leave no embedded PostgreSQL of this process behind.

let dir: string;
const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];

/** Mounts a tmpfs of `size` (read-only with `ro`); null where this process may not mount. */
async function tmpfs(size: string, ro = false): Promise<string | null> {
  if (!isRoot) return null;
  const at = await fs.mkdtemp(path.join(dir, 'mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${ro ? ',ro' : ''}`, 'tmpfs', at], { stdio: 'ignore', timeout: 5000 });
  } catch {
    return null;
  }
  mounts.push(at);
  return at;
}

/** Embedded PostgreSQL data directories this process owns (named after its pid). */
async function ownPostgresDirs(): Promise<string[]> {
  return (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith(`stresslab-target-pg-${process.pid}.`));
}

async function run(...argv: string[]): Promise<{ code: number; err: string; ms: number }> {
  const before = await ownPostgresDirs();
  const io = captureIo(dir);
  const t0 = performance.now();
  const code = await main(['run', ...argv], io);
  const ms = performance.now() - t0;
  expect(await ownPostgresDirs(), 'no PostgreSQL may be started before the checks pass').toEqual(before);
  return { code, err: io.stderr(), ms };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-preflight-'));
  // The run command loads on demand: its first call imports (and vitest transforms) its modules,
  // 2-3 s on this machine, which is not what the time limits below are about. Load it once, untimed.
  await main(['run', '--help'], captureIo(dir));
}, 60_000);
afterAll(async () => {
  for (const m of mounts) {
    try {
      execFileSync('umount', [m], { stdio: 'ignore', timeout: 5000 });
    } catch {
      // Left mounted only if the test itself failed half way; the rm below then fails loudly.
    }
  }
  await fs.rm(dir, { recursive: true, force: true });
});

describe('--reports-dir is checked before anything starts', () => {
  it('refuses a path whose parent is a regular file (exit 2, naming --reports-dir)', async () => {
    const file = path.join(dir, 'a-file');
    await fs.writeFile(file, 'x');
    const { code, err, ms } = await run('light', '--profile', 'quick', '--reports-dir', path.join(file, 'reports'));
    expect(code).toBe(ExitCode.badInput);
    expect(err).toContain(`--reports-dir ${path.join(file, 'reports')}: cannot create the directory (a part of the path is a regular file`);
    expect(err).not.toMatch(/internal error|bug in stresslab/);
    expect(ms).toBeLessThan(2000);
  });

  it('refuses a path under /proc, which refuses writes, without hanging (Node\'s recursive mkdir loops there)', async () => {
    const { code, err, ms } = await run('light', '--profile', 'quick', '--reports-dir', '/proc/stresslab-reports/x');
    expect(code).toBe(ExitCode.badInput);
    expect(err).toContain('--reports-dir /proc/stresslab-reports/x: cannot create the directory');
    expect(ms).toBeLessThan(2000);
  });

  it('refuses a read-only file system, both to create in and to write to', async (ctx) => {
    const ro = await tmpfs('64k', true);
    if (ro === null) return ctx.skip(); // Not root or no mount: the /proc case above covers a refused write.
    for (const out of [path.join(ro, 'reports'), ro]) {
      const { code, err, ms } = await run('light', '--profile', 'quick', '--reports-dir', out);
      expect(code).toBe(ExitCode.badInput);
      expect(err).toMatch(new RegExp(`--reports-dir ${out}: cannot (create the directory|write there) \\(read-only file system\\)`));
      expect(ms).toBeLessThan(2000);
    }
  });

  it('refuses a file system too small for the run\'s expected output, saying how much is needed and free', async (ctx) => {
    const small = await tmpfs('64k');
    if (small === null) return ctx.skip();
    const out = path.join(small, 'reports');
    const { code, err, ms } = await run('light', '--profile', 'quick', '--reports-dir', out);
    expect(code).toBe(ExitCode.badInput);
    const m = new RegExp(`--reports-dir ${out}: ([\\d.]+) KiB free, the run needs about ([\\d.]+) KiB`).exec(err);
    expect(m, err).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(64);
    expect(Number(m![2])).toBeGreaterThan(64);
    expect(ms).toBeLessThan(2000);
    // The probe file is gone again.
    expect(await fs.readdir(out)).toEqual([]);
  });

  it('a dry run skips the disk checks', async () => {
    const file = path.join(dir, 'another-file');
    await fs.writeFile(file, 'x');
    const { code } = await run('light', '--profile', 'quick', '--dry-run', '--reports-dir', path.join(file, 'reports'));
    expect(code).toBe(ExitCode.ok);
  });
});

function scenarioWithProxy(listen: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name: 'preflight-proxy',
    description: 'A scenario declaring a fixed proxy port',
    // Never contacted: the run is refused before the target is.
    target: { url: 'http://127.0.0.1:9', health: '/', timeout: '2s' },
    requests: [{ name: 'root', method: 'GET', path: '/' }],
    load: [{ executor: 'constant-vus', vus: 1, duration: '2s' }],
    proxies: [{ name: 'cache', listen, upstream: '127.0.0.1:9' }],
    ...extra,
  });
}

describe('declared ports and a remote Toxiproxy are checked before anything starts', () => {
  it('refuses a proxy listen port that is already in use (exit 2, naming the path)', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const file = path.join(dir, 'busy-port.json');
      await fs.writeFile(file, scenarioWithProxy(`127.0.0.1:${port}`));
      const { code, err, ms } = await run(file, '--reports-dir', path.join(dir, 'reports'), '--no-baseline');
      expect(code).toBe(ExitCode.badInput);
      expect(err).toContain(`${file} at proxies[0].listen: 127.0.0.1:${port} cannot be listened on: EADDRINUSE`);
      expect(ms).toBeLessThan(2000);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('accepts a free declared port (the check releases it again)', async () => {
    const port = await closedPort();
    const file = path.join(dir, 'free-port.json');
    // Twice: the first check must not keep the port.
    await checkPortsFree([{ path: 'proxies[0].listen', listen: `127.0.0.1:${port}` }], file);
    await checkPortsFree([{ path: 'proxies[0].listen', listen: `127.0.0.1:${port}` }], file);
  });

  it('refuses an unreachable --toxiproxy with exit 4 before the target starts', async () => {
    const port = await closedPort();
    const file = path.join(dir, 'remote-toxiproxy.json');
    await fs.writeFile(file, scenarioWithProxy('127.0.0.1:0'));
    const { code, err, ms } = await run(file, '--reports-dir', path.join(dir, 'reports'), '--no-baseline', '--toxiproxy', `http://127.0.0.1:${port}`);
    expect(code).toBe(ExitCode.environmentNotReady);
    expect(err).toContain(`Toxiproxy at http://127.0.0.1:${port} (--toxiproxy) does not answer: ECONNREFUSED`);
    expect(ms).toBeLessThan(2000);
  });

  it('names the scenario\'s toxiproxy.url when that is the one unreachable', async () => {
    const port = await closedPort();
    const file = path.join(dir, 'scenario-toxiproxy.json');
    await fs.writeFile(file, scenarioWithProxy('127.0.0.1:0', { toxiproxy: { url: `http://127.0.0.1:${port}` } }));
    const { code, err } = await run(file, '--reports-dir', path.join(dir, 'reports'), '--no-baseline');
    expect(code).toBe(ExitCode.environmentNotReady);
    expect(err).toContain(`(${file} toxiproxy.url) does not answer`);
  });
});
