import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { startToxiproxyServer } from '../toxiproxy/index.ts';
import type { ToxiproxyServer } from '../toxiproxy/index.ts';
import type { StresslabCommand } from './command.ts';

export interface ToxiproxyArgs {
  port: number;
  host: string;
  config?: string | undefined;
}

/** `stresslab toxiproxy`: the embedded Toxiproxy-compatible server, standalone, until SIGINT/SIGTERM. */
export const toxiproxyCommand: StresslabCommand<ToxiproxyArgs> = {
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: 8474, describe: 'API port (0 = a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'API interface' })
      .option('config', { type: 'string', describe: 'Create these proxies at start: a JSON array of {name, listen, upstream, enabled, protocol}, as toxiproxy-server -config reads it' }) as unknown as Argv<ToxiproxyArgs>,
  examples: [
    ['stresslab toxiproxy', 'Serve the API on http://127.0.0.1:8474, like `toxiproxy-server`'],
    ['stresslab toxiproxy --port 0', 'Pick a free port (the URL is printed)'],
    ['stresslab toxiproxy --host 0.0.0.0 --config deploy/toxiproxy.json', 'The proxies of docker-compose.yml, as the `stresslab-proxy` service runs it'],
  ],
  async run(args, io) {
    const config = args.config === undefined ? null : await readConfig(path.resolve(io.cwd, args.config));
    const server = await listen(args);
    if (config !== null) {
      try {
        await populate(server.url, config);
      } catch (e) {
        await server.close();
        throw e;
      }
      io.out(`created ${config.proxies.length} proxies from ${args.config}: ${config.proxies.map((p) => p.name).join(', ')}`);
    }
    io.out(`toxiproxy API listening on ${server.url} (Toxiproxy 2.12.0 compatible); Ctrl-C to stop`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      const stop = (s: NodeJS.Signals) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(s);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    io.out(`toxiproxy stopped (${signal}); all proxies and their connections closed`);
    return ExitCode.ok;
  },
};

interface ProxyConfig {
  file: string;
  text: string;
  proxies: { name: string }[];
}

/** The -config file of toxiproxy-server: read and checked for shape here; the API checks each proxy. */
async function readConfig(file: string): Promise<ProxyConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new StresslabError('FILE_NOT_FOUND', `cannot read the proxy config ${file}: ${(e as Error).message}`, { file, hint: 'e.g. --config deploy/toxiproxy.json', cause: e });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new StresslabError('BAD_USAGE', `${file} is not valid JSON: ${(e as Error).message}`, { file, hint: 'a JSON array of {"name", "listen", "upstream"} objects' });
  }
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'object' && p !== null && typeof (p as { name?: unknown }).name === 'string')) {
    throw new StresslabError('BAD_USAGE', `${file} is not a list of proxies`, { file, hint: 'a JSON array of {"name", "listen", "upstream"} objects, as toxiproxy-server -config reads it' });
  }
  return { file, text, proxies: parsed as { name: string }[] };
}

/** Through the server's own POST /populate, so a config proxy is checked exactly as an API client's. */
async function populate(url: string, config: ProxyConfig): Promise<void> {
  const res = await fetch(`${url}/populate`, { method: 'POST', body: config.text });
  const body = await res.text();
  if (res.status !== 201) {
    let message = body.trim();
    try {
      message = (JSON.parse(body) as { error?: string }).error ?? message;
    } catch {
      // Go's errors are JSON; anything else is shown as it is.
    }
    throw new StresslabError('BAD_USAGE', `the proxies of ${config.file} could not be created: ${message}`, { file: config.file, hint: 'each proxy needs a unique name, a free listen address and an upstream host:port' });
  }
}

async function listen(args: ToxiproxyArgs): Promise<ToxiproxyServer> {
  try {
    return await startToxiproxyServer({ host: args.host, port: args.port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StresslabError('BAD_USAGE', `cannot listen on ${args.host}:${args.port}: ${(e as Error).message}`, {
      hint: code === 'EADDRINUSE' ? 'another process (a real Toxiproxy?) uses that port; pass --port 0 or another port' : undefined,
      cause: e,
    });
  }
}
