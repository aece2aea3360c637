import type { OutcomeErrorKind } from '../contract/stats.ts';
import type { PreparedRequest } from './engine.ts';
import type { Http1Connection, WireExchange } from './http1-connection.ts';

/** Told once per request, when it ends for any reason. */
export type FlightDone = (flight: InFlightRequest, status: number | null, errorKind: OutcomeErrorKind | null, bytes: number, body: Buffer | null) => void;

/** One open-model request on its connection, from the moment it was due until it ended. */
export class InFlightRequest implements WireExchange {
  readonly intendedAtMs: number;
  /** When the engine handed it to a connection (the scheduler's time). */
  readonly sentAtMs: number;
  /** When its bytes went onto the socket: later than `sentAtMs` when the connection was still opening. */
  wiredAtMs: number | null = null;
  readonly vu: number;
  readonly req: PreparedRequest;
  readonly head: boolean;
  readonly keepBody: boolean;
  /** Set once it ended (a response, an error, or the engine gave up on it); later news is ignored. */
  done = false;
  readonly #conn: Http1Connection;
  readonly #onDone: FlightDone;
  readonly #nowMs: () => number;

  constructor(intendedAtMs: number, sentAtMs: number, vu: number, req: PreparedRequest, conn: Http1Connection, onDone: FlightDone, nowMs: () => number) {
    this.intendedAtMs = intendedAtMs;
    this.sentAtMs = sentAtMs;
    this.vu = vu;
    this.req = req;
    this.head = req.method === 'HEAD';
    this.keepBody = req.onBody !== undefined;
    this.#conn = conn;
    this.#onDone = onDone;
    this.#nowMs = nowMs;
  }

  onWired(): void {
    this.wiredAtMs = this.#nowMs();
  }

  onResponse(status: number, bytes: number, body: Buffer | null): void {
    if (this.done) return;
    this.#onDone(this, status, null, bytes, body);
  }

  onFailure(kind: OutcomeErrorKind): void {
    if (this.done) return;
    this.#onDone(this, null, kind, 0, null);
  }

  /** Ends the request from our side (timeout, graceful-stop expiry, abort): reported now, its socket closed. */
  giveUp(errorKind: OutcomeErrorKind): void {
    if (this.done) return;
    this.#onDone(this, null, errorKind, 0, null);
    this.#conn.abandon();
  }
}
