import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { Rng } from '../core/seeded-rng.ts';
import { Link } from './link.ts';
import type { ProxyCounters } from './proxy-counters.ts';
import type { Direction, ToxicDefinition } from './toxic-definition.ts';

/** A finished socket whose peer never reads is destroyed after this long rather than kept forever. */
const lingerMs = 5_000;

export interface ConnectionOptions {
  nowMs(): number;
  readonly random: Rng;
  /** The toxic chains when the connection starts; later changes arrive through `link(d).…`. */
  chain(direction: Direction): readonly ToxicDefinition[];
  onClosed(connection: Connection): void;
  /** The proxy's counters: bytes per direction and per toxic. */
  counters: ProxyCounters;
  /**
   * Where each link writes instead of the socket itself: a protocol session's inputs (postgres mode),
   * which see the bytes after the TCP toxics and write to the sockets in turn.
   */
  sinks?: Readonly<Record<Direction, Writable>>;
}

/**
 * One client connection: the client socket, its upstream socket, and two links (upstream: client →
 * upstream, downstream: upstream → client). As in Toxiproxy, half-close is not preserved: when one
 * direction ends, the other is ended too once its queued data has been delivered.
 */
export class Connection {
  private readonly links: Record<Direction, Link>;
  private closed = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly options: ConnectionOptions,
  ) {
    const { counters } = options;
    const hooks = (direction: Direction) => ({
      nowMs: options.nowMs,
      random: options.random,
      finished: (link: Link) => this.linkFinished(link),
      reset: () => this.reset(),
      received: (bytes: number) => void (counters.bytes[direction] += bytes),
      toxicCounter: (name: string) => counters.toxic(name),
    });
    this.links = {
      upstream: new Link(client, options.sinks?.upstream ?? upstream, 'upstream', options.chain('upstream'), hooks('upstream')),
      downstream: new Link(upstream, options.sinks?.downstream ?? client, 'downstream', options.chain('downstream'), hooks('downstream')),
    };
    this.watch(client, this.links.upstream, this.links.downstream);
    this.watch(upstream, this.links.downstream, this.links.upstream);
    client.resume();
  }

  link(direction: Direction): Link {
    return this.links[direction];
  }

  /** Drops the connection at once (proxy disabled or deleted): both sockets close. */
  destroy(): void {
    if (!this.release()) return;
    this.client.destroy();
    this.upstream.destroy();
  }

  /** Both sockets closed with a TCP RST (reset_peer). */
  reset(): void {
    if (!this.release()) return;
    this.client.resetAndDestroy();
    this.upstream.resetAndDestroy();
  }

  /** A socket that closes can neither be read nor written: its reader ends, its writer is cut. */
  private watch(socket: Socket, readingLink: Link, writingLink: Link): void {
    socket.on('error', () => {});
    socket.on('close', () => {
      readingLink.endInput();
      writingLink.finish();
    });
  }

  private linkFinished(link: Link): void {
    if (!link.dest.destroyed) link.dest.end();
    const other = link === this.links.upstream ? this.links.downstream : this.links.upstream;
    other.endInput();
    if (link.isDone && other.isDone && this.release()) {
      for (const socket of [this.client, this.upstream]) destroyWhenFlushed(socket);
    }
  }

  private release(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.links.upstream.abort();
    this.links.downstream.abort();
    this.options.onClosed(this);
    return true;
  }
}

function destroyWhenFlushed(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  if (socket.writableFinished) {
    socket.destroy();
    return;
  }
  const timer = setTimeout(() => socket.destroy(), lingerMs).unref();
  socket.once('finish', () => {
    clearTimeout(timer);
    socket.destroy();
  });
}
