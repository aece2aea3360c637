import { Http1Connection } from './http1-connection.ts';
import type { ConnectionOwner, Origin } from './http1-connection.ts';

/**
 * The open-model engine's connections to one origin: opened on demand (a request that finds no idle
 * one opens its own, so there are never more than requests in flight, i.e. `maxVUs`), kept alive and
 * reused last-in first-out, so a steady rate runs on as few sockets as its concurrency needs and the
 * rest time out on the server's side instead of being kept warm.
 */
export class ConnectionPool implements ConnectionOwner {
  readonly #origin: Origin;
  readonly #onCount: (open: number) => void;
  readonly #idle: Http1Connection[] = [];
  readonly #all = new Set<Http1Connection>();
  #opened = 0;

  /** `onCount` hears the number of open sockets whenever it changes. */
  constructor(origin: Origin, onCount: (open: number) => void = () => {}) {
    this.#origin = origin;
    this.#onCount = onCount;
  }

  /** Sockets open now (busy or idle). */
  get open(): number {
    return this.#all.size;
  }

  /** Connections opened since the start: a number that keeps growing means they are not reused. */
  get opened(): number {
    return this.#opened;
  }

  /** An idle connection, or a new one (still connecting: it sends once connected). */
  acquire(): Http1Connection {
    const c = this.#idle.pop();
    if (c !== undefined) return c;
    this.#opened++;
    const fresh = new Http1Connection(this.#origin, this);
    this.#all.add(fresh);
    this.#onCount(this.#all.size);
    return fresh;
  }

  idle(c: Http1Connection): void {
    this.#idle.push(c);
  }

  closed(c: Http1Connection): void {
    if (this.#all.delete(c)) this.#onCount(this.#all.size);
    // Rare (the server closed it, an error, a timeout): a linear search of at most maxVUs is fine.
    const i = this.#idle.lastIndexOf(c);
    if (i >= 0) this.#idle.splice(i, 1);
  }

  destroy(): void {
    for (const c of [...this.#all]) c.destroy();
    this.#idle.length = 0;
  }
}
