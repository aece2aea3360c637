import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { startToxiproxyServer } from '../toxiproxy/index.ts';
import type { ToxiproxyServer } from '../toxiproxy/index.ts';
import type { StresslabCommand } from './command.ts';

export interface ToxiproxyArgs {
  port: number;
  host: string;
}

/** `stresslab toxiproxy`: the embedded Toxiproxy-compatible server, standalone, until SIGINT/SIGTERM. */
export const toxiproxyCommand: StresslabCommand<ToxiproxyArgs> = {
  command: 'toxiproxy',
  describe: 'Run the embedded Toxiproxy-compatible server (HTTP API + TCP proxies) until interrupted',
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: 8474, describe: 'API port (0 = a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'API interface' }) as unknown as Argv<ToxiproxyArgs>,
  examples: [
    ['stresslab toxiproxy', 'Serve the API on http://127.0.0.1:8474, like `toxiproxy-server`'],
    ['stresslab toxiproxy --port 0', 'Pick a free port (the URL is printed)'],
  ],
  async run(args, io) {
    const server = await listen(args);
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
