import { Toxiproxy } from 'toxiproxy-node-client';
import { pointOf, secondCounts, secondPoint } from '../analysis/timeline-series.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import { createAbortMonitor } from '../analysis/abort-monitor.ts';
import { createThresholdAbort } from '../analysis/threshold-abort.ts';
import type { AbortCondition } from '../core/abort-condition.ts';
import type { Threshold } from '../core/threshold-expression.ts';
import { FaultLedger } from '../faults/fault-ledger.ts';
import { machineLedgerPath } from '../faults/ledger-store.ts';
import { FaultRunner } from '../faults/fault-runner.ts';
import type { FaultRecord } from '../contract/fault-record.ts';
import { engineFor } from '../load/index.ts';
import type { EngineContext, RequestFactory } from '../load/engine.ts';
import type { ExecutionSegment } from '../load/execution-segment.ts';
import { startHealthProber } from '../metrics/health-prober.ts';
import { startResourceSampler } from '../metrics/resource-sampler.ts';
import { startCalibrationProbe } from '../calibration/calibration-probe.ts';
import type { CalibrationSample } from '../calibration/calibration-probe.ts';
import { TimelineRecorder } from '../metrics/timeline-recorder.ts';
import type { SecondHistograms } from '../metrics/timeline-recorder.ts';
import { LoopStallMonitor } from '../metrics/loop-stall-monitor.ts';
import { addDropped, aggregatesFor, emptyBreakdown } from '../metrics/traffic-breakdown.ts';
import type { TrafficBreakdown } from '../metrics/traffic-breakdown.ts';
import { addRequestSecond } from '../metrics/traffic-aggregate.ts';
import { absoluteNowMs, SegmentedLoad } from './segmented-load.ts';
import type { SegmentWorkerData } from './segmented-load.ts';
import type { TimelineWriter } from '../metrics/timeline-writer.ts';
import type { TimelineEvent, TimelineLate, TimelineSecond } from '../contract/timeline-types.ts';
import type { LoadPhasePlan, Plan } from '../contract/plan-types.ts';
import type { FaultPlan } from '../faults/index.ts';
import { monotonicClock } from '../core/clock.ts';
import { failpointHit } from '../core/failpoint.ts';
import type { Clock } from '../core/clock.ts';
import { runPhases } from './phase-scheduler.ts';
import type { PhaseOutcome } from './phase-scheduler.ts';
import type { RunObserver, RunStepEvent } from './run-observer.ts';
import { observeStep } from './observe-step.ts';
import type { TargetHandle } from './target-setup.ts';
import { watchTargetExits } from './target-exit-watch.ts';

export interface DriveDeps {
  plan: FaultPlan;
  writer: TimelineWriter;
  target: TargetHandle;
  runId: string;
  /** The run's directory (its record, timeline and reports). */
  runDir: string;
  /** The run's own fault ledger file (beside its reports). */
  ledgerFile: string;
  /** Whoever watches the run (the CLI's live view); absent for none. */
  observer?: RunObserver | undefined;
  /** The person's stop (Ctrl-C); abort conditions add their own. */
  signal: AbortSignal;
  /** Aborted when the harness itself failed (run-failures.ts): the load stops as on Ctrl-C. */
  failure?: AbortSignal | undefined;
  timeoutMs: number;
  /** The request factory a phase uses. */
  requestsFor: (phase: LoadPhasePlan) => RequestFactory;
  healthPath: string;
  probeIntervalMs: number;
  /** The scenario's resolved abort conditions. */
  abort: readonly AbortCondition[];
  /** The scenario's thresholds: those with abortOnFail stop the run when they fail on the traffic so far. */
  thresholds: readonly Threshold[];
  targetPid?: number | undefined;
  /** Receives the function that removes every active fault now (a second Ctrl-C calls it). */
  onRollbackReady?: ((rollback: () => Promise<void>) => void) | undefined;
  /** Run the load as this many execution segments in worker threads (absent or 1: in this thread). */
  segments?: {
    count: number;
    /** The part of a larger load this run is (`--segment i/N`): the load threads split only it. Default: the whole load. */
    part?: ExecutionSegment | undefined;
    data: Omit<SegmentWorkerData, 'segment' | 'baseUrl' | 'timeoutMs' | 'phases'>;
    onCapture: (name: string, value: string, headers: Readonly<Record<string, string>>) => void;
  } | undefined;
  /**
   * Wall-clock time (epoch ms) at which the load starts (`--start-at`): the parts of a load run on
   * several machines start together, so their seconds merge. Absent: as soon as the run is ready.
   */
  startAtEpochMs?: number | undefined;
  /** Called once when the run clock starts (the load's start), with its wall-clock time. */
  onStarted?: ((startedAtEpochMs: number) => void) | undefined;
}

export interface DriveOutcome {
  /** Wall-clock time of the run clock's zero: the load's start. */
  startedAtEpochMs: number;
  endMs: number;
  /** The calibration probe's samples on the run clock (empty for a remote target). */
  calibration: CalibrationSample[];
  faults: FaultRecord[];
  phases: PhaseOutcome[];
  /** Why the run stopped early, or null when it ran to its end. */
  abortReason: string | null;
  /** What a person should know about how the run went that is not analysis (a load that started later than --start-at). */
  warnings: string[];
}

/**
 * The run itself on one clock: load phases, fault injections, the health prober, the resource
 * sampler (off the engine's loop) and abort conditions, told to the observer as they happen. Every
 * closed second, sample, probe and event is written to the timeline at once (the analysis reads it
 * back from there); faults are always rolled back before this returns.
 */
export async function driveRun(d: DriveDeps): Promise<DriveOutcome> {
  const { writer, plan } = d;
  // The run clock starts when the load does, after the sampler's worker is up (see below); until
  // then `clock` reads negative and nothing is scheduled on it.
  const base = monotonicClock();
  let offsetMs = Number.POSITIVE_INFINITY;
  const clock: Clock = {
    get epochMs() {
      return base.epochMs + offsetMs;
    },
    nowMs: () => base.nowMs() - offsetMs,
  };
  const observer = d.observer ?? {};
  const event = (e: Omit<TimelineEvent, 'type' | 'atMs'>, atMs = clock.nowMs()) => writer.write({ type: 'event', atMs, ...e });
  const stop = new AbortController();
  let abortReason: string | null = null;
  const halt = (reason: string) => {
    if (abortReason !== null) return;
    abortReason = reason;
    event({ event: 'abort', detail: reason });
    stop.abort(new Error(reason));
  };
  const onUserStop = () => halt('interrupted (Ctrl-C or SIGTERM)');
  if (d.signal.aborted) onUserStop();
  d.signal.addEventListener('abort', onUserStop, { once: true });
  const onFailure = () => halt(`the harness failed: ${(d.failure?.reason as Error | undefined)?.message ?? 'unknown failure'}`);
  if (d.failure?.aborted) onFailure();
  d.failure?.addEventListener('abort', onFailure, { once: true });

  const monitor = createAbortMonitor(d.abort);
  function phaseEvent(kind: 'phase-start' | 'phase-end', name: string): void {
    const atMs = clock.nowMs();
    event({ event: kind, name }, atMs);
    observer.onPhase?.({ event: kind, name, atMs });
  }
  const thresholdAbort = createThresholdAbort(d.thresholds, plan.phases);
  // The traffic of the seconds closed so far: the recorder's own in one thread; folded from the
  // merged seconds when execution segments run in worker threads.
  const merged = emptyBreakdown();
  const onSecond = (line: TimelineSecond, histograms?: SecondHistograms): void => {
    writer.write(line);
    // From the histograms still in memory when there are some: decoding the line's again would block the load's thread ~1 ms per request name.
    const second: SecondPoint = histograms === undefined ? secondPoint(line) : pointOf(secondCounts(line), histograms.all, histograms.failed);
    const elapsedMs = clock.nowMs();
    const trip = monitor.push(second);
    if (trip) halt(`abort condition ${trip.condition} held from second ${trip.fromSec}`);
    // The traffic of the seconds closed so far, i.e. up to the end of this one.
    const failed = thresholdAbort?.(segments === null ? recorder.traffic : merged, (line.t + 1) * 1000);
    if (failed) halt(`threshold ${failed.threshold} failed at ${(failed.atMs / 1000).toFixed(0)} s (actual ${Number(failed.actual.toPrecision(4))}; abortOnFail)`);
    observer.onSecond?.({ second, elapsedMs });
    if (line.t === 1) injectUncaught();
  };
  const recorder: TimelineRecorder = new TimelineRecorder({
    clock,
    phaseAt: phaseLookup(plan),
    timeoutMs: d.timeoutMs,
    write: onSecond,
    writeLate: (line) => writer.write(line),
  });
  const onStep = (e: RunStepEvent): void => observer.onStep?.(e);
  // Execution segments in worker threads (segmented-load.ts): started before the run clock, as the sampler is.
  const threads = d.segments === undefined || d.segments.count <= 1 ? null : d.segments;
  const segments = threads === null ? null : await observeStep(onStep, 'load-workers', () => SegmentedLoad.start({
    count: threads.count,
    part: threads.part,
    data: { ...threads.data, baseUrl: d.target.baseUrl, timeoutMs: d.timeoutMs, phases: [...plan.phases] },
    onSecond: (line) => {
      foldSecond(merged, line);
      onSecond(line);
    },
    onLate: (line) => {
      foldSecond(merged, line);
      writer.write(line);
    },
    onCapture: threads.onCapture,
    onPhaseStart: (p) => phaseEvent('phase-start', p.name),
    onPhaseEnd: (p) => phaseEvent('phase-end', p.name),
  }), `${threads.count} threads`);
  // In that case the main thread sends nothing; its own stalls still matter to the health prober.
  const mainStalls = segments === null ? null : new LoopStallMonitor(clock, { keepMs: d.timeoutMs + 2000 });

  const sampler = startResourceSampler({
    clock: base,
    targetPid: () => d.target.managed?.pid ?? d.targetPid ?? null,
    // A target the harness started leads its own process group: a shell or npm and the service below it count as one.
    targetGroup: d.target.managed !== null,
    ...(d.target.managed === null && d.targetPid === undefined ? { targetMetricsUrl: `${d.target.directUrl}/metrics` } : {}),
    onSample: (raw) => {
      const s = { ...raw, atMs: raw.atMs - offsetMs };
      if (s.atMs >= 0) writer.write(s);
    },
  });
  // The machine's speed is only worth measuring when the target runs on this machine: the gate
  // then corrects latency for it (regression-compare.ts).
  const local = d.target.managed !== null || d.targetPid !== undefined;
  const calibration = local ? startCalibrationProbe(() => clock.nowMs()) : null;
  // The worker's start-up costs CPU: let it finish before the load (and the run clock) starts.
  await observeStep(onStep, 'calibration', async () => {
    await sampler.ready.catch((e: unknown) => observer.onWarning?.(`resource sampling unavailable: ${(e as Error).message}`));
    await calibration?.ready.catch((e: unknown) => observer.onWarning?.(`machine calibration unavailable: ${(e as Error).message}`));
  });
  if (d.startAtEpochMs !== undefined) {
    const at = d.startAtEpochMs;
    await observeStep(onStep, 'start-at', () => untilEpoch(at, base, stop.signal), new Date(at).toISOString());
  }
  offsetMs = base.nowMs();
  const warnings: string[] = [];
  const lateMs = d.startAtEpochMs === undefined ? 0 : clock.epochMs - d.startAtEpochMs;
  // Parts merge second by second: a part that started later than the others shifts its seconds.
  if (lateMs > 100) {
    const w = `the load started ${(lateMs / 1000).toFixed(3)} s after --start-at ${new Date(d.startAtEpochMs ?? 0).toISOString()} (the target and the run's setup took longer): give the parts a later --start-at`;
    warnings.push(w);
    observer.onWarning?.(w);
  }
  // The same instant as an absolute time every thread of the process reads alike (segment workers).
  const zeroAbsMs = absoluteNowMs() - clock.nowMs();
  d.onStarted?.(clock.epochMs);
  observer.onStart?.({ plan, runId: d.runId, runDir: d.runDir });
  const prober = startHealthProber({
    url: `${d.target.baseUrl}${d.healthPath}`,
    clock,
    intervalMs: d.probeIntervalMs,
    stalledMs: (fromMs, toMs) => (mainStalls ?? recorder).stalledMs(fromMs, toMs),
    onProbe: (p) => writer.write(p),
  });
  // A managed target that exits is an event at once (timeline, observer, then a verdict reason),
  // not something to read later out of an error rate.
  const targetExits = watchTargetExits(d.target.managed, {
    nowMs: () => clock.nowMs(),
    onExit: (x, detail) => {
      event({ event: 'target-exit', code: x.code, signal: x.signal, expected: x.expected, ...(detail === null ? {} : { detail }) }, x.atMs);
      observer.onTargetExit?.({ ...x, detail });
    },
  });

  const faultRunner = new FaultRunner({
    ctx: faultContext(d),
    clock,
    signal: stop.signal,
    onEvent: (e) => {
      event({ event: e.event, name: e.name, kind: e.kind, ...(e.detail ? { detail: e.detail } : {}) }, e.atMs);
      observer.onFault?.(e);
    },
  });

  d.onRollbackReady?.(() => faultRunner.rollbackAll());
  event({ event: 'run-start', name: plan.scenarioName });
  if (segments === null) recorder.start();
  mainStalls?.start();
  const faultsDone = faultRunner.run(plan.faults);
  let phases: PhaseOutcome[] = [];
  try {
    phases = segments !== null
      ? await segments.run(plan.phases, stop.signal, { absMs: zeroAbsMs, epochMs: clock.epochMs })
      : await runPhases(plan.phases, {
          clock,
          engineFor,
          signal: stop.signal,
          contextFor: (phase): EngineContext => ({ baseUrl: d.target.baseUrl, clock, requests: d.requestsFor(phase), sink: recorder, signal: stop.signal, timeoutMs: d.timeoutMs, segment: d.segments?.part }),
          onPhaseStart: (p) => phaseEvent('phase-start', p.name),
          onPhaseEnd: (p) => phaseEvent('phase-end', p.name),
        });
  } finally {
    // Faults never outlive the load, whatever happened to it: the runner rolls back on abort.
    if (!stop.signal.aborted) stop.abort(new Error('load finished'));
    await faultsDone.catch(() => undefined);
    // After the rollback: a process fault's restart is over by now, so a target still down died.
    targetExits.stop();
    await prober.stop();
    await sampler.stop().catch(() => undefined);
    await calibration?.stop().catch(() => undefined);
    d.signal.removeEventListener('abort', onUserStop);
    d.failure?.removeEventListener('abort', onFailure);
  }
  const faults = await faultsDone;
  if (segments === null) recorder.finish();
  mainStalls?.stop();
  const endMs = clock.nowMs();
  event({ event: 'run-end' }, endMs);
  observer.onEnd?.({ endMs, abortReason });
  return { startedAtEpochMs: clock.epochMs, endMs, calibration: calibration?.samples ?? [], faults, phases, abortReason, warnings };
}

/** Sleeps until the wall-clock time `epochMs` (on `clock`'s reading of it), or until aborted. */
async function untilEpoch(epochMs: number, clock: Clock, signal: AbortSignal): Promise<void> {
  const waitMs = epochMs - (clock.epochMs + clock.nowMs());
  if (waitMs <= 0 || signal.aborted) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, waitMs);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
  // setTimeout wakes up to a few ms early or late; the last stretch is spun so the parts of a load start within 1 ms of each other.
  while (clock.epochMs + clock.nowMs() < epochMs && !signal.aborted) await new Promise((r) => setImmediate(r));
}

/** The reliability tests' stand-in for a bug anywhere in the process (failpoint.ts), outside any caller's try. */
function injectUncaught(): void {
  if (failpointHit('uncaught-exception')) {
    setImmediate(() => {
      throw new Error('injected uncaught exception (failpoint uncaught-exception)');
    });
  }
  if (failpointHit('unhandled-rejection')) void Promise.reject(new Error('injected unhandled rejection (failpoint unhandled-rejection)'));
}

function faultContext(d: DriveDeps) {
  const t = d.target;
  return {
    toxiproxy: t.toxiproxy ? new Toxiproxy(t.toxiproxy.url) : null,
    toxiproxyUrl: t.toxiproxy?.url ?? null,
    toxiproxyEmbedded: t.toxiproxy?.embedded ?? false,
    toxicTtl: t.toxiproxy?.own ?? false,
    proxies: t.proxies,
    databaseUrl: t.databaseUrl,
    target: { baseUrl: t.directUrl, ...(t.chaosToken ? { chaosToken: t.chaosToken } : {}), managed: t.managed },
    // A run copy that cannot be written (full disk) is said, not fatal: the machine ledger is what cleanup reads.
    ledger: new FaultLedger({ runId: d.runId, runFile: d.ledgerFile, machineFile: machineLedgerPath(), onWarning: (msg: string) => d.observer?.onWarning?.(msg) }),
    log: (msg: string) => d.observer?.onLog?.(msg),
  };
}

/** Adds a merged second (or late line) into the live traffic, as the recorder folds its own. */
function foldSecond(b: TrafficBreakdown, line: TimelineSecond | TimelineLate): void {
  for (const [name, r] of Object.entries(line.requests)) for (const agg of aggregatesFor(b, line.phase, name)) addRequestSecond(agg, r);
  addDropped(b, line.phase, line.droppedIterations);
}

export function phaseLookup(plan: Plan): (ms: number) => string | null {
  const windows = plan.phases.map((p) => ({ name: p.name, start: p.startMs, end: p.startMs + p.durationMs }));
  return (ms) => windows.find((w) => ms >= w.start && ms < w.end)?.name ?? null;
}
