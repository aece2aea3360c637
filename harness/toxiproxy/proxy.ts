import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Rng } from '../core/seeded-rng.ts';
import { ApiError, apiErrors } from './api-error.ts';
import { Connection } from './connection.ts';
import { ProxyCounters } from './proxy-counters.ts';
import type { ProxyStatsJson } from './proxy-counters.ts';
import { bindAddress, formatAddress, splitHostPort } from './listen-address.ts';
import { ProtocolFaultCounters } from './protocol-fault-counters.ts';
import { HttpSession } from './http/http-session.ts';
import { PgSession } from './postgres/pg-session.ts';
import type { ProxyProtocol } from './proxy-input.ts';
import { ToxicCollection } from './toxic-collection.ts';
import { toxicJson } from './toxic-definition.ts';
import type { ToxicDefinition, ToxicJson } from './toxic-definition.ts';
import { toxicKind } from './toxics/index.ts';

export interface ProxyEnv {
  nowMs(): number;
  readonly random: Rng;
}

/** The wire shape, in Go's key order (including the stray `Logger` field the real server emits). */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  /** Only when not tcp: a TCP proxy's JSON stays byte for byte Toxiproxy's. */
  protocol?: ProxyProtocol;
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
  private readonly protocolCounters = new ProtocolFaultCounters((name) => {
    const counter = this.counters.toxic(name);
    if (counter?.fired !== undefined) counter.fired++;
  });
  private currentProtocol: ProxyProtocol;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly connecting = new Set<Socket>();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly env: ProxyEnv,
    protocol: ProxyProtocol = 'tcp',
  ) {
    this.listen = listen;
    this.upstream = upstream;
    this.currentProtocol = protocol;
    this.toxics = new ToxicCollection(
      {
        added: (t) => {
          this.counters.toxicAdded(t.name, toxicKind(t.type).protocol !== undefined);
          this.eachLink(t, (link) => link.addToxic(t));
        },
        replaced: (t) => this.eachLink(t, (link) => link.replaceToxic(t)),
        removed: (t) => {
          this.eachLink(t, (link) => link.removeToxic(t.name));
          this.counters.toxicRemoved(t.name);
          this.protocolCounters.forget(t.name);
        },
      },
      (t) => this.checkToxicProtocol(t),
    );
  }

  get protocol(): ProxyProtocol {
    return this.currentProtocol;
  }

  /** Only while stopped (an update restarts the proxy): live connections keep the mode they started in. */
  setProtocol(protocol: ProxyProtocol): void {
    this.currentProtocol = protocol;
  }

  get enabled(): boolean {
    return this.server !== undefined;
  }

  toJson(): ProxyJson {
    const toxics = this.toxics.list().map(toxicJson);
    const protocol = this.protocol === 'tcp' ? {} : { protocol: this.protocol };
    return { name: this.name, listen: this.listen, upstream: this.upstream, ...protocol, enabled: this.enabled, Logger: {}, toxics };
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

  /** The proxy is deleted (or replaced): stopped, and its toxics' ttl timers cleared. */
  close(): void {
    this.stop();
    this.toxics.dispose();
  }

  private checkToxicProtocol(toxic: ToxicDefinition): void {
    const needs = toxicKind(toxic.type).protocol;
    if (needs !== undefined && needs !== this.protocol) {
      throw new ApiError(400, `toxic type ${toxic.type} needs a proxy created with "protocol": "${needs}"`);
    }
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
      const session =
        this.protocol === 'postgres'
          ? this.pgSession(client, upstream)
          : this.protocol === 'http'
            ? new HttpSession({ client, upstream, random: this.env.random, toxics: () => this.toxics.list(), counters: this.protocolCounters })
            : undefined;
      const connection = new Connection(client, upstream, {
        nowMs: this.env.nowMs,
        random: this.env.random,
        chain: (direction) => this.toxics.chain(direction),
        onClosed: (c) => {
          session?.dispose();
          this.connections.delete(c);
        },
        counters: this.counters,
        ...(session === undefined ? {} : { sinks: { upstream: session.toServer, downstream: session.toClient } }),
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

  private pgSession(client: Socket, upstream: Socket): PgSession {
    return new PgSession({
      client,
      upstream,
      random: this.env.random,
      toxics: () => this.toxics.list(),
      counters: this.protocolCounters,
      // Losing the server side closes the client side after what was written to it (Connection's rules).
      close: () => upstream.destroy(),
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
