import type { Socket } from 'node:net';
import { num, text } from '../toxic-attribute.ts';
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import type { Rng } from '../../core/seeded-rng.ts';
import { interruptibleSleep } from '../interruptible-sleep.ts';
import type { ProtocolFaultCounters } from '../protocol-fault-counters.ts';
import { SocketOutbox } from '../socket-outbox.ts';
import { sessionSink } from '../session-sink.ts';
import type { ToxicDefinition } from '../toxic-definition.ts';
import { parseHeaderLines, requestMatcher } from '../toxics/http-attributes.ts';
import type { RequestMatcher } from '../toxics/http-attributes.ts';
import { HttpFramer, headerValues } from './http-framer.ts';
import type { HttpHead } from './http-framer.ts';

export interface HttpSessionOptions {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly random: Rng;
  /** The proxy's current toxics, read at every request so that changes reach live sessions at once. */
  toxics(): readonly ToxicDefinition[];
  /** Shared across the proxy's connections: `after`, `count`, toxicity and the `fired` stat. */
  readonly counters: ProtocolFaultCounters;
}

/** What the proxy does to the response of one request. */
interface ResponsePlan {
  latency: number;
  trickle: number;
  cut?: { readonly bytes: number; readonly reset: boolean };
}

/** A request whose response has not fully reached the client yet, in request order. */
interface Pending {
  readonly method: string;
  /** The proxy's own answer (http_status): the request was not forwarded. */
  readonly answer?: Buffer;
  /** The client asked to close after this answer. */
  readonly closeAfter: boolean;
  readonly plan: ResponsePlan;
}

const matchers = new WeakMap<ToxicDefinition, RequestMatcher>();

function matcherOf(toxic: ToxicDefinition): RequestMatcher {
  let matcher = matchers.get(toxic);
  if (matcher === undefined) {
    matcher = requestMatcher({ method: text(toxic, 'method'), path: text(toxic, 'path'), header: text(toxic, 'header') });
    matchers.set(toxic, matcher);
  }
  return matcher;
}


function matches(matcher: RequestMatcher, head: HttpHead): boolean {
  if (matcher.method !== '' && matcher.method !== head.method.toUpperCase()) return false;
  if (matcher.path !== undefined) {
    const q = head.target.indexOf('?');
    if (!matcher.path.test(q < 0 ? head.target : head.target.slice(0, q))) return false;
  }
  if (matcher.header !== undefined) {
    const { name, value } = matcher.header;
    if (!headerValues(head, name).some((v) => value.test(v))) return false;
  }
  return true;
}

const reasons: Readonly<Record<number, string>> = {
  200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout',
  409: 'Conflict', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function wantsClose(head: HttpHead): boolean {
  const tokens = headerValues(head, 'connection').flatMap((v) => v.toLowerCase().split(',').map((t) => t.trim()));
  if (tokens.includes('close')) return true;
  return head.version === '1.0' && !tokens.includes('keep-alive');
}

function answerBytes(toxic: ToxicDefinition, head: HttpHead, closeAfter: boolean): Buffer {
  const status = num(toxic, 'status') || 503;
  const body = Buffer.from(text(toxic, 'body'), 'utf8');
  const headers = parseHeaderLines(text(toxic, 'headers'));
  const lines = [`HTTP/1.1 ${status} ${reasons[status] ?? 'Injected'}`];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  if (body.length > 0 && !headers.some(([n]) => n.toLowerCase() === 'content-type')) lines.push('Content-Type: text/plain; charset=utf-8');
  lines.push(`Content-Length: ${body.length}`);
  if (closeAfter) lines.push('Connection: close');
  const headBytes = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return head.method.toUpperCase() === 'HEAD' ? headBytes : Buffer.concat([headBytes, body]);
}

/**
 * One connection of a `"protocol": "http"` proxy: frames requests and responses (http-framer.ts) and
 * applies the http_* toxics per request. Responses reach the client in request order: an answer the
 * proxy makes itself waits until the responses to earlier (forwarded) requests have passed.
 * `toServer` and `toClient` are where the connection's two links write (after their TCP toxics).
 */
export class HttpSession {
  readonly toServer: Writable;
  readonly toClient: Writable;
  private readonly requests = new HttpFramer('request');
  private readonly responses = new HttpFramer('response', { nextMethod: () => this.forwardedMethods.shift() });
  /** Methods of the forwarded requests whose response heads the framer has not reached yet. */
  private readonly forwardedMethods: string[] = [];
  private readonly pending: Pending[] = [];
  /** The body of a request answered by the proxy is read and dropped. */
  private dropping = false;
  /** The plan of the response now passing, and its body bytes so far. */
  private plan: ResponsePlan | undefined;
  private bodyBytes = 0;
  /** When the current response's head was passed, and the body bytes trickled since. */
  private headAtMs = 0;
  private trickled = 0;
  /** The connection was cut by a toxic (or closed after an answer): nothing more is written. */
  private cut = false;
  private readonly interrupt = new AbortController();
  private readonly toServerOut: SocketOutbox;
  private readonly toClientOut: SocketOutbox;

  constructor(private readonly options: HttpSessionOptions) {
    this.toServerOut = new SocketOutbox(options.upstream);
    this.toClientOut = new SocketOutbox(options.client);
    this.toServer = sessionSink(options.upstream, (chunk) => this.onClientBytes(chunk));
    this.toClient = sessionSink(options.client, (chunk) => this.onServerBytes(chunk));
  }

  dispose(): void {
    this.cut = true;
    this.interrupt.abort();
  }

  private onClientBytes(chunk: Buffer): void {
    if (this.cut) return;
    for (const piece of this.requests.push(chunk)) {
      switch (piece.kind) {
        case 'raw':
          this.toServerOut.push(piece.bytes);
          if (!this.responses.isRaw) for (const p of this.responses.toRaw()) this.toClientOut.push(p.kind === 'raw' ? p.bytes : Buffer.alloc(0));
          break;
        case 'head': {
          const entry = this.decide(piece.head);
          this.pending.push(entry);
          if (entry.answer !== undefined) this.dropping = true;
          else {
            this.forwardedMethods.push(piece.head.method);
            this.toServerOut.push(piece.bytes);
          }
          break;
        }
        case 'body':
          if (!this.dropping) this.toServerOut.push(piece.bytes);
          break;
        case 'end':
          this.dropping = false;
          break;
      }
    }
    this.toServerOut.flush();
    this.deliverAnswers();
  }

  private async onServerBytes(chunk: Buffer): Promise<void> {
    if (this.cut) return;
    for (const piece of this.responses.push(chunk)) {
      if (this.cut) return;
      switch (piece.kind) {
        case 'raw':
          this.toClientOut.push(piece.bytes);
          if (!this.requests.isRaw) for (const p of this.requests.toRaw()) this.toServerOut.push(p.kind === 'raw' ? p.bytes : Buffer.alloc(0));
          this.toServerOut.flush();
          break;
        case 'head': {
          const status = piece.head.status;
          if (status >= 100 && status < 200 && status !== 101) {
            this.toClientOut.push(piece.bytes);
            break;
          }
          this.plan = this.pending[0]?.plan;
          this.bodyBytes = 0;
          if (this.plan !== undefined && this.plan.latency > 0) {
            this.toClientOut.flush();
            await interruptibleSleep(this.plan.latency, this.interrupt.signal);
            if (this.cut) return;
          }
          this.toClientOut.push(piece.bytes);
          this.headAtMs = performance.now();
          this.trickled = 0;
          if (this.plan?.cut !== undefined && this.plan.cut.bytes === 0) return this.cutNow(this.plan.cut.reset);
          break;
        }
        case 'body': {
          let bytes = piece.bytes;
          const plan = this.plan;
          if (plan?.cut !== undefined) {
            const allowed = plan.cut.bytes - this.bodyBytes;
            if (bytes.length >= allowed) {
              this.toClientOut.push(bytes.subarray(0, allowed));
              return this.cutNow(plan.cut.reset);
            }
          }
          this.bodyBytes += bytes.length;
          if (plan !== undefined && plan.trickle > 0) {
            // Paced on the clock from the response head: byte n leaves no earlier than n / trickle s after it.
            this.toClientOut.flush();
            const step = Math.max(1, Math.floor(plan.trickle / 20));
            while (bytes.length > 0 && !this.cut) {
              const part = bytes.subarray(0, step);
              bytes = bytes.subarray(part.length);
              this.trickled += part.length;
              const wait = this.headAtMs + (this.trickled / plan.trickle) * 1000 - performance.now();
              if (wait > 0 && (await interruptibleSleep(wait, this.interrupt.signal))) break;
              if (!this.cut) this.options.client.write(part);
            }
            if (this.cut) return;
          } else {
            this.toClientOut.push(bytes);
          }
          break;
        }
        case 'end': {
          const plan = this.plan;
          this.plan = undefined;
          this.pending.shift();
          // A body shorter than `bytes` passed whole; the connection is cut after it all the same.
          if (plan?.cut !== undefined) return this.cutNow(plan.cut.reset);
          this.deliverAnswers();
          break;
        }
      }
    }
    this.toClientOut.flush();
  }

  /** Writes the proxy's own answers that are now first in line. */
  private deliverAnswers(): void {
    while (!this.cut) {
      const first = this.pending[0];
      if (first?.answer === undefined) break;
      this.pending.shift();
      this.toClientOut.push(first.answer);
      if (first.closeAfter) {
        this.toClientOut.flush();
        this.cutNow(false);
        return;
      }
    }
    this.toClientOut.flush();
  }

  private cutNow(reset: boolean): void {
    this.toClientOut.flush();
    this.cut = true;
    this.interrupt.abort();
    if (reset) {
      this.options.client.resetAndDestroy();
      this.options.upstream.destroy();
    } else {
      // Losing the server side ends the client side after what was written to it (Connection's rules).
      this.options.upstream.destroy();
    }
  }

  private decide(head: HttpHead): Pending {
    const plan: ResponsePlan = { latency: 0, trickle: 0 };
    const closeAfter = wantsClose(head);
    for (const toxic of this.options.toxics()) {
      if (!toxic.type.startsWith('http_')) continue;
      if (!matches(matcherOf(toxic), head)) continue;
      const rule = { after: num(toxic, 'after'), count: num(toxic, 'count'), toxicity: toxic.toxicity };
      if (!this.options.counters.fires(toxic.name, rule, this.options.random)) continue;
      switch (toxic.type) {
        case 'http_status':
          return { method: head.method, answer: answerBytes(toxic, head, closeAfter), closeAfter, plan };
        case 'http_delay':
          plan.latency += num(toxic, 'latency');
          if (num(toxic, 'trickle') > 0) plan.trickle = num(toxic, 'trickle');
          break;
        case 'http_abort':
        case 'http_truncate':
          if (plan.cut === undefined) plan.cut = { bytes: num(toxic, 'bytes'), reset: toxic.type === 'http_abort' };
          break;
      }
    }
    return { method: head.method, closeAfter, plan };
  }
}
