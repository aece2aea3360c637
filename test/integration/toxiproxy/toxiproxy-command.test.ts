import { spawn } from 'node:child_process';
import { once } from 'node:events';
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
process.exitCode = await toxiproxyCommand.run({ port: 0, host: '127.0.0.1' }, io);
`;

describe('stresslab toxiproxy', () => {
  it('serves the API until SIGTERM, then closes its proxies and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout}`)), 20_000);
        child.stdout.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(stdout);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      expect(await (await fetch(`${url}/version`)).text()).toBe('{"version": "2.12.0"}\n');
      const created = await fetch(`${url}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name: 'cli', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }),
      });
      expect(created.status).toBe(201);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(stdout).toContain('toxiproxy stopped (SIGTERM)');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
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
