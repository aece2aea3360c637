import net from 'node:net';
import type { InputProblem } from '../core/stresslab-error.ts';
import { StresslabError } from '../core/stresslab-error.ts';

export interface DeclaredListen {
  /** JSON path in the scenario, e.g. `proxies[0].listen`. */
  path: string;
  /** `host:port` as the scenario wrote it. */
  listen: string;
}

/**
 * The fixed ports a scenario asks this machine to listen on (a proxy's `listen` on the embedded
 * Toxiproxy) are free: each is bound and released again. A port held by another program would
 * otherwise fail the proxy's creation after PostgreSQL and the target have started. Port 0 (any
 * free port) is not checked. BAD_SCENARIO (exit 2) naming the file, the path and the port.
 */
export async function checkPortsFree(declared: readonly DeclaredListen[], file: string): Promise<void> {
  const problems: InputProblem[] = [];
  for (const d of declared) {
    const split = d.listen.lastIndexOf(':');
    const host = d.listen.slice(0, split).replace(/^\[|\]$/g, '');
    const port = Number(d.listen.slice(split + 1));
    if (!Number.isInteger(port) || port === 0) continue;
    const error = await tryBind(host, port);
    if (error !== null) {
      problems.push({
        path: d.path,
        message: `${d.listen} cannot be listened on: ${error}`,
        hint: error.startsWith('EADDRINUSE') ? 'stop the program holding the port (`ss -ltnp`), or choose another port (0 picks a free one)' : 'use a local address such as 127.0.0.1',
      });
    }
  }
  if (problems.length > 0) {
    throw new StresslabError('BAD_SCENARIO', `${file}: ${problems.length} declared port${problems.length === 1 ? ' is' : 's are'} not free; nothing was started`, { file, problems });
  }
}

function tryBind(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(`${e.code ?? 'error'}${e.code === 'EADDRINUSE' ? ' (address in use)' : ''}`));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}
