/**
 * A tiny HTTP server for load-engine tests and benches, run as a child process so it does not
 * share the engine's event loop. argv[2] is a JSON ServerMode. Prints {"port":N} once listening.
 * GET /__stats answers the number of requests received (itself not counted); GET /__arrivals the
 * `fast` mode's requests per 100 ms since the last call, as [slot, count] pairs.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type ServerMode =
  | { kind: 'fast' }
  | { kind: 'delay'; delayMs: number }
  /** Every `slowEvery`-th request takes `slowMs`, the others `fastMs`. */
  | { kind: 'distribution'; fastMs: number; slowMs: number; slowEvery: number }
  /** The event loop is busy-blocked for `stallMs` once every `everyMs`. */
  | { kind: 'stall'; stallMs: number; everyMs: number }
  | { kind: 'reset' }
  | { kind: 'garbage' }
  | { kind: 'hang' }
  /** Answers `status` with a body of `bodyBytes` bytes. */
  | { kind: 'status'; status: number; bodyBytes: number }
  /**
   * 200 except 503 from `failFromMs` to `failToMs` (null: forever) after the first request to
   * `loadPath`: the load's first request, i.e. the run clock's zero. `healthPath` always answers 200
   * (a health check blind to the outage). Requests before the load (the harness's readiness and
   * version probes) do not start the clock: they come a variable time before the load, up to seconds
   * on a loaded machine, which would move the outage off the fault window it stands for.
   */
  | { kind: 'window'; failFromMs: number; failToMs: number | null; healthPath: string; loadPath: string }
  /**
   * 200, until requests stop coming for `gapMs` or longer (a partition in front of the server) after
   * the first request to `loadPath`; the first request after that gap starts `failForMs` of 503 for
   * every path, health included: a system that takes exactly that long to recover once traffic
   * reaches it again. Once only.
   */
  | { kind: 'heal-after-gap'; gapMs: number; failForMs: number; loadPath: string }
  /**
   * Requests to `loadPath`: every `failEvery`-th answers `failStatus` at once, the others 200 after
   * `okMs`; other paths answer 200 at once (health checks). /__stats counts both (`served`).
   */
  | { kind: 'mixed'; okMs: number; failEvery: number; failStatus: number; loadPath: string };

const mode = JSON.parse(process.argv[2] ?? '{"kind":"fast"}') as ServerMode;
const BODY = Buffer.from('{"ok":true,"service":"stresslab-test-server","v":1}');
let received = 0;
let firstAt: number | null = null;
let lastAt: number | null = null;
/** heal-after-gap: when the first request after the gap came, and when the server answers 200 again. */
let failFrom: number | null = null;
let failTo: number | null = null;
/** performance.now() as epoch ms: the harness's run clock is Date.now() at its zero, so both meet on the wall clock. */
const epoch = (t: number | null): number | null => (t === null ? null : performance.timeOrigin + t);
/** Time each request spent in the server (ms), for modes whose latency is the point of the test. */
const heldMs: number[] = [];
/** `mixed` mode: load requests answered OK and with the failure status, counted by the server itself. */
const served = { ok: 0, failed: 0 };
let loadSeen = 0;
/** Requests per 100 ms of the server's clock (`fast` mode), for rate-accuracy benchmarks; GET /__arrivals takes and clears them. */
const arrivals = new Map<number, number>();

function ok(res: ServerResponse, body: Buffer = BODY, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

/**
 * setTimeout fires 1–2 ms late, which is 5–10% of a 20 ms target: sleep until 2 ms before the
 * deadline, then poll with setImmediate (which keeps serving I/O) until it is reached.
 */
function holdPrecisely(ms: number, then: () => void): void {
  const deadline = performance.now() + ms;
  const poll = (): void => {
    if (performance.now() >= deadline) then();
    else setImmediate(poll);
  };
  setTimeout(poll, Math.max(0, ms - 2));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/__stats') {
    const clocks = { firstAtEpochMs: epoch(firstAt), failFromEpochMs: epoch(failFrom), failToEpochMs: epoch(failTo) };
    return ok(res, Buffer.from(JSON.stringify({ received, heldMs, served, ...clocks })));
  }
  if (req.url === '/__arrivals') {
    const counts = [...arrivals.entries()].sort((a, b) => a[0] - b[0]);
    arrivals.clear();
    return ok(res, Buffer.from(JSON.stringify(counts)));
  }
  received++;
  switch (mode.kind) {
    case 'fast': {
      const slot = Math.floor(performance.now() / 100);
      arrivals.set(slot, (arrivals.get(slot) ?? 0) + 1);
      return ok(res);
    }
    case 'delay':
      setTimeout(() => ok(res), mode.delayMs);
      return;
    case 'distribution':
      {
        const t0 = performance.now();
        holdPrecisely(received % mode.slowEvery === 0 ? mode.slowMs : mode.fastMs, () => {
          ok(res);
          heldMs.push(performance.now() - t0);
        });
      }
      return;
    case 'stall':
      return ok(res);
    case 'reset':
      req.socket.resetAndDestroy();
      return;
    case 'garbage':
      req.socket.end('this is not HTTP at all\r\n\r\n');
      return;
    case 'hang':
      return;
    case 'status':
      return ok(res, Buffer.alloc(mode.bodyBytes, 97), mode.status);
    case 'window': {
      if (req.url === mode.healthPath) return ok(res);
      if (req.url === mode.loadPath) firstAt ??= performance.now();
      const since = firstAt === null ? -1 : performance.now() - firstAt;
      const failing = since >= mode.failFromMs && (mode.failToMs === null || since < mode.failToMs);
      return failing ? ok(res, Buffer.from('{"error":"unavailable"}'), 503) : ok(res);
    }
    case 'mixed': {
      if (req.url !== mode.loadPath) return ok(res);
      loadSeen++;
      if (loadSeen % mode.failEvery === 0) {
        served.failed++;
        return ok(res, Buffer.from('{"error":"injected"}'), mode.failStatus);
      }
      holdPrecisely(mode.okMs, () => {
        served.ok++;
        ok(res);
      });
      return;
    }
    case 'heal-after-gap': {
      const now = performance.now();
      if (req.url === mode.loadPath) firstAt ??= now;
      // Gaps count from the load's first request: the harness's checks come a variable time before it.
      if (firstAt !== null) {
        if (failFrom === null && lastAt !== null && now - lastAt >= mode.gapMs) {
          failFrom = now;
          failTo = now + mode.failForMs;
        }
        lastAt = now;
      }
      const failing = failFrom !== null && failTo !== null && now < failTo;
      return failing ? ok(res, Buffer.from('{"error":"recovering"}'), 503) : ok(res);
    }
  }
}

// Drain request bodies so keep-alive connections stay usable.
const server = createServer((req, res) => {
  req.resume();
  handle(req, res);
});
server.keepAliveTimeout = 60_000;

if (mode.kind === 'stall') {
  setInterval(() => {
    const until = Date.now() + mode.stallMs;
    while (Date.now() < until) {
      // busy-block on purpose: the stall the coordinated-omission test must see
    }
  }, mode.everyMs);
}

server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
