import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Rng } from '../core/seeded-rng.ts';
import { formatAddress } from './listen-address.ts';
import { createApiHandler } from './http-api.ts';
import { ProxyCollection } from './proxy-collection.ts';

export interface ToxiproxyServerOptions {
  /** Interface for the HTTP API; default 127.0.0.1. */
  host?: string;
  /** Port for the HTTP API; default 8474, 0 picks a free port. */
  port?: number;
  /** Randomness for toxicity, jitter and slicer splits; pass a seeded one for reproducible runs. */
  random?: Rng;
}

export interface ToxiproxyServer {
  /** Base URL for `new Toxiproxy(url)`, e.g. `http://127.0.0.1:8474`. */
  readonly url: string;
  readonly port: number;
  /** Stops the API, every proxy and every connection through them. */
  close(): Promise<void>;
}

/** Starts the embedded Toxiproxy-compatible server: its HTTP API plus the proxies it creates. */
export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const proxies = new ProxyCollection({ nowMs: () => performance.now(), random: options.random ?? Math.random });
  const server = createServer({ keepAliveTimeout: 60_000 }, createApiHandler(proxies));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 8474 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${formatAddress(address.address, address.port)}`,
    port: address.port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        proxies.stopAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
