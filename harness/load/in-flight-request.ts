import type { Dispatcher } from 'undici';
import type { OutcomeErrorKind } from '../contract/stats.ts';
import type { PreparedRequest } from './engine.ts';
import { classifyError } from './error-kind.ts';

/** Told once per request, when it ends for any reason. */
export type FlightDone = (flight: InFlightRequest, status: number | null, errorKind: OutcomeErrorKind | null, body: string | null) => void;

/**
 * One request on the wire, and its undici handler. Uses undici's callback handler API
 * (onConnect/onHeaders/onData/onComplete/onError) because undici 7's core speaks it natively:
 * the controller API is wrapped and parses every header set into an object, which costs CPU.
 */
export class InFlightRequest implements Dispatcher.DispatchHandler {
  readonly intendedAtMs: number;
  readonly sentAtMs: number;
  /** When undici began writing it to a socket (a connection was ready), null before. */
  wiredAtMs: number | null = null;
  readonly vu: number;
  readonly req: PreparedRequest;
  /** Set once it ended (a response, an error, or the engine gave up on it); later callbacks are ignored. */
  done = false;
  bytes = 0;
  #status: number | null = null;
  #chunks: Buffer[] | null;
  #abort: ((err?: Error) => void) | null = null;
  readonly #onDone: FlightDone;
  readonly #nowMs: () => number;

  constructor(intendedAtMs: number, sentAtMs: number, vu: number, req: PreparedRequest, onDone: FlightDone, nowMs: () => number = () => sentAtMs) {
    this.intendedAtMs = intendedAtMs;
    this.sentAtMs = sentAtMs;
    this.vu = vu;
    this.req = req;
    this.#chunks = req.onBody === undefined ? null : [];
    this.#onDone = onDone;
    this.#nowMs = nowMs;
  }

  /** undici calls this right before it writes the request to a socket. */
  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    this.wiredAtMs = this.#nowMs();
  }

  onHeaders(statusCode: number): boolean {
    this.#status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    this.#chunks?.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.done) return;
    const body = this.#chunks === null ? null : Buffer.concat(this.#chunks).toString('utf8');
    this.#onDone(this, this.#status, null, body);
  }

  onError(err: Error): void {
    if (this.done) return;
    this.#onDone(this, null, classifyError(err), null);
  }

  /** Ends the request from our side (timeout, graceful-stop expiry, abort): reported now, the socket is torn down. */
  giveUp(errorKind: OutcomeErrorKind, reason: Error): void {
    if (this.done) return;
    this.#onDone(this, null, errorKind, null);
    this.#abort?.(reason);
  }
}
