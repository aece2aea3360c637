/**
 * TARGET_WORK_FACTOR: for every request (and every validate action) the target burns (factor − 1)
 * times the CPU the work cost, so factor 1.1 is about +10% server CPU per request. Spinning (not
 * sleeping) keeps the slowdown a CPU cost, which a regression gate on latency and throughput must see.
 *
 * A request's cost is what was measured directly (JSON parsing, the pipeline) plus the per-request
 * average of everything else the process spent CPU on (routing, ajv, pg protocol, workers, GC),
 * re-estimated every second from process.cpuUsage().
 */
export class WorkFactor {
  private measuredMs = 0;
  private spunMs = 0;
  private requests = 0;
  private overheadMs = 0.1;
  private calibrator: NodeJS.Timeout | undefined;
  private last = { cpuMs: 0, measuredMs: 0, spunMs: 0, requests: 0 };

  constructor(readonly factor: number) {
    if (factor > 1) {
      this.last.cpuMs = cpuMs();
      this.calibrator = setInterval(() => this.calibrate(), 1_000);
      this.calibrator.unref();
    }
  }

  /** The current estimate of a request's CPU cost outside its measured parts. */
  get overheadEstimateMs(): number {
    return this.overheadMs;
  }

  /** Pays for one request whose directly measured work took `measuredMs`. */
  payForRequest(measuredMs: number): void {
    if (this.factor <= 1) return;
    this.requests++;
    this.measuredMs += measuredMs;
    this.spin(measuredMs + this.overheadMs);
  }

  /** Runs `work` (a non-request job such as a validate action) and pays for the time it took. */
  run<T>(work: () => T): T {
    if (this.factor <= 1) return work();
    const started = performance.now();
    const result = work();
    const ms = performance.now() - started;
    this.measuredMs += ms;
    this.spin(ms);
    return result;
  }

  stop(): void {
    if (this.calibrator) clearInterval(this.calibrator);
  }

  private spin(workMs: number): void {
    const started = performance.now();
    const until = started + (this.factor - 1) * workMs;
    while (performance.now() < until) {
      /* the clock check is the work */
    }
    this.spunMs += performance.now() - started;
  }

  private calibrate(): void {
    const now = { cpuMs: cpuMs(), measuredMs: this.measuredMs, spunMs: this.spunMs, requests: this.requests };
    const requests = now.requests - this.last.requests;
    // Too few requests make a noisy estimate (idle process: timers and GC dominate); keep the old one.
    if (requests >= 20) {
      const other = now.cpuMs - this.last.cpuMs - (now.spunMs - this.last.spunMs) - (now.measuredMs - this.last.measuredMs);
      const perRequest = Math.min(50, Math.max(0.02, other / requests));
      this.overheadMs = 0.7 * this.overheadMs + 0.3 * perRequest;
    }
    this.last = now;
  }
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
