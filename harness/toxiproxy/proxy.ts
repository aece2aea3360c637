import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Rng } from '../core/seeded-rng.ts';
import { apiErrors } from './api-error.ts';
import type { ApiError } from './api-error.ts';
import { Connection } from './connection.ts';
import { ProxyCounters } from './proxy-counters.ts';
import type { ProxyStatsJson } from './proxy-counters.ts';
import { bindAddress, formatAddress, splitHostPort } from './listen-address.ts';
import { ToxicCollection } from './toxic-collection.ts';
import { toxicJson } from './toxic-definition.ts';
import type { ToxicDefinition, ToxicJson } from './toxic-definition.ts';

export interface ProxyEnv {
  nowMs(): number;
  readonly random: Rng;
}

/** The wire shape, in Go's key order (including the stray `Logger` field the real server emits). */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  Logger: Record<string, never>;
  toxics: ToxicJson[];
}

/** One named proxy: a TCP listener, its live connections, and its toxics. */
export class Proxy {
  listen: string;
  upstream: string;
  readonly toxics: ToxicCollection;
  readonly counters = new ProxyCounters();
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly connecting = new Set<Socket>();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly env: ProxyEnv,
  ) {
    this.listen = listen;
    this.upstream = upstream;
    this.toxics = new ToxicCollection({
      added: (t) => {
        this.counters.toxicAdded(t.name);
        this.eachLink(t, (link) => link.addToxic(t));
      },
      replaced: (t) => this.eachLink(t, (link) => link.replaceToxic(t)),
      removed: (t) => {
        this.eachLink(t, (link) => link.removeToxic(t.name));
        this.counters.toxicRemoved(t.name);
      },
    });
  }

  get enabled(): boolean {
    return this.server !== undefined;
  }

  toJson(): ProxyJson {
    const toxics = this.toxics.list().map(toxicJson);
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, Logger: {}, toxics };
  }

  /** The counters of `GET /proxies/{name}/stats` (proxy-counters.ts). */
  statsJson(): ProxyStatsJson {
    return this.counters.toJson(this.name, this.enabled, this.connections.size);
  }

  /** Binds `listen`; afterwards `listen` is the bound address, so a re-enable rebinds the same port. */
  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const { host, port } = await bindAddress(this.listen).catch((e: ApiError) => {
      throw apiErrors.internal(`listen tcp: ${e.message}`);
    });
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    server.on('connection', (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(apiErrors.internal(bindMessage(host, port, e))));
      server.listen({ host, port }, resolve);
    });
    server.on('error', () => {});
    const address = server.address() as AddressInfo;
    this.listen = formatAddress(address.address, address.port);
    this.server = server;
  }

  /** Closes the listener (new connects are refused) and drops every live connection. */
  stop(): void {
    this.server?.close();
    this.server = undefined;
    for (const socket of this.connecting) socket.destroy();
    this.connecting.clear();
    this.counters.connectionsDropped += this.connections.size;
    for (const connection of [...this.connections]) connection.destroy();
  }

  private accept(client: Socket): void {
    client.on('error', () => {});
    this.counters.connectionsAccepted++;
    let target: { host: string; port: number };
    try {
      target = splitHostPort(this.upstream);
    } catch {
      client.destroy();
      return;
    }
    // Like Toxiproxy, a client whose upstream cannot be reached is accepted and then closed (EOF).
    const upstream = connect({ host: target.host || 'localhost', port: target.port, allowHalfOpen: true, noDelay: true });
    this.connecting.add(client).add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.once('connect', () => {
      this.connecting.delete(client);
      this.connecting.delete(upstream);
      if (client.destroyed) return void upstream.destroy();
      const connection = new Connection(client, upstream, {
        nowMs: this.env.nowMs,
        random: this.env.random,
        chain: (direction) => this.toxics.chain(direction),
        onClosed: (c) => this.connections.delete(c),
        counters: this.counters,
      });
      this.connections.add(connection);
    });
    client.once('close', () => {
      if (this.connecting.delete(client)) {
        this.connecting.delete(upstream);
        upstream.destroy();
      }
    });
  }

  private eachLink(toxic: ToxicDefinition, change: (link: ReturnType<Connection['link']>) => void): void {
    for (const connection of this.connections) change(connection.link(toxic.direction));
  }
}

/** Go's wording for bind failures, which the API returns verbatim as a 500. */
function bindMessage(host: string, port: number, e: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    EADDRINUSE: 'address already in use',
    EADDRNOTAVAIL: 'cannot assign requested address',
    EACCES: 'permission denied',
  };
  const reason = (e.code !== undefined ? reasons[e.code] : undefined) ?? e.message;
  return `listen tcp ${formatAddress(host === '::' ? '' : host, port)}: bind: ${reason}`;
}
