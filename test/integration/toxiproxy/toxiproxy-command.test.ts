import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { toxiproxyCommand } from '../../../harness/cli/toxiproxy-command.ts';
import { repoRoot } from '../../../harness/core/repo-root.ts';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import { startTcpServer } from './loopback.ts';

// The command in a real child process: prints its URL, serves the API, stops cleanly on SIGTERM.
const script = `
import { toxiproxyCommand } from './harness/cli/toxiproxy-command.ts';
const io = { out: (t) => console.log(t), err: (t) => console.error(t), isTTY: false, cwd: process.cwd() };
process.exitCode = await toxiproxyCommand.run({ port: 0, host: '127.0.0.1', config: process.env.CONFIG || undefined }, io).catch((e) => { console.error(e.message); return 2; });
`;

/** Everything the child prints on stdout, as it comes. */
function collect(child: ChildProcess): { text: string; child: ChildProcess } {
  const out = { text: '', child };
  child.stdout?.on('data', (d: Buffer) => (out.text += d.toString()));
  return out;
}

/** The API URL the command prints once it listens. */
function printedUrl(out: { text: string; child: ChildProcess }): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out.text}`)), 20_000);
    const look = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out.text);
      if (m?.[1]) {
        clearTimeout(timer);
        out.child.stdout?.off('data', look);
        resolve(m[1]);
      }
    };
    out.child.stdout?.on('data', look);
    look();
  });
}

describe('stresslab toxiproxy', () => {
  it('serves the API until SIGTERM, then closes its proxies and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const printed = collect(child);
    try {
      const url = await printedUrl(printed);
      expect(await (await fetch(`${url}/version`)).text()).toBe('{"version": "2.12.0"}\n');
      const created = await fetch(`${url}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name: 'cli', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }),
      });
      expect(created.status).toBe(201);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(printed.text).toContain('toxiproxy stopped (SIGTERM)');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('--config creates the proxies of a toxiproxy-server config file at start (PostgreSQL mode included); a bad one is exit 2 naming the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stresslab-proxy-config-'));
    const good = path.join(dir, 'proxies.json');
    writeFileSync(good, JSON.stringify([
      { name: 'api', listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: true },
      { name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:5432', enabled: true, protocol: 'postgres' },
    ]));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ name: 'x', listen: '127.0.0.1:0' }]));
    const start = (config: string) => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CONFIG: config } });
    const child = start(good);
    const printed = collect(child);
    try {
      const url = await printedUrl(printed);
      expect(printed.text).toContain('created 2 proxies');
      const proxies = (await (await fetch(`${url}/proxies`)).json()) as Record<string, { upstream: string; protocol?: string }>;
      expect(Object.keys(proxies).sort()).toEqual(['api', 'db']);
      expect(proxies.db?.protocol).toBe('postgres');
      child.kill('SIGTERM');
      await once(child, 'exit');
      const failing = start(bad);
      let stderr = '';
      failing.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(failing, 'exit')) as [number | null];
      expect(code).toBe(2);
      expect(stderr).toContain(`the proxies of ${bad} could not be created`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses --port (default 8474, like toxiproxy-server) and --host (default 127.0.0.1)', () => {
    expect(toxiproxyCommand.builder(yargs([])).parseSync()).toMatchObject({ port: 8474, host: '127.0.0.1' });
    expect(toxiproxyCommand.builder(yargs(['--port', '0', '--host', '0.0.0.0'])).parseSync()).toMatchObject({
      port: 0,
      host: '0.0.0.0',
    });
  });

  it('reports a busy port as a StresslabError with a hint', async () => {
    const busy = await startTcpServer(() => {});
    const io = { out: () => {}, err: () => {}, isTTY: false, cwd: repoRoot };
    const error = await toxiproxyCommand.run({ port: busy.port, host: '127.0.0.1' }, io).catch((e: unknown) => e);
    await busy.close();
    expect(error).toBeInstanceOf(StresslabError);
    expect((error as StresslabError).hint).toContain('--port 0');
  });
});
