import { Toxiproxy } from 'toxiproxy-node-client';
import { secondPoint } from '../analysis/timeline-series.ts';
import type { SecondPoint } from '../contract/second-point.ts';
import { createAbortMonitor, parseAbortCondition } from '../analysis/abort-condition.ts';
import type { AbortCondition } from '../analysis/abort-condition.ts';
import type { CliIo } from '../cli/command.ts';
import { createLiveView } from '../cli/live-view.ts';
import { LiveRecovery, liveStateAt } from '../cli/live-state.ts';
import { FaultLedger } from '../faults/fault-ledger.ts';
import { machineLedgerPath } from '../faults/ledger-store.ts';
import { FaultRunner } from '../faults/fault-runner.ts';
import type { FaultRecord } from '../faults/fault-runner.ts';
import { engineFor } from '../load/index.ts';
import type { EngineContext, RequestFactory } from '../load/engine.ts';
import { startHealthProber } from '../metrics/health-prober.ts';
import { startResourceSampler } from '../metrics/resource-sampler.ts';
import { startCalibrationProbe } from '../calibration/calibration-probe.ts';
import type { CalibrationSample } from '../calibration/calibration-probe.ts';
import { TimelineRecorder } from '../metrics/timeline-recorder.ts';
import type { RecorderAggregates } from '../metrics/timeline-recorder.ts';
import type { TimelineWriter } from '../metrics/timeline-writer.ts';
import type { ProbeSample, ResourceSample, TimelineEvent } from '../contract/timeline-types.ts';
import type { LoadPhasePlan, Plan } from '../contract/plan-types.ts';
import { monotonicClock } from '../core/clock.ts';
import type { Clock } from '../core/clock.ts';
import { runPhases } from './phase-scheduler.ts';
import type { PhaseOutcome } from './phase-scheduler.ts';
import type { TargetHandle } from './target-setup.ts';

export interface DriveDeps {
  plan: Plan;
  writer: TimelineWriter;
  target: TargetHandle;
  runId: string;
  /** The run's own fault ledger file (beside its reports). */
  ledgerFile: string;
  io: CliIo;
  /** The person's stop (Ctrl-C); abort conditions add their own. */
  signal: AbortSignal;
  timeoutMs: number;
  /** The request factory a phase uses. */
  requestsFor: (phase: LoadPhasePlan) => RequestFactory;
  healthPath: string;
  probeIntervalMs: number;
  healthyBuckets: number;
  /** The scenario's `abort` section, as written. */
  abort: Readonly<Record<string, string>>;
  targetPid?: number | undefined;
  /** Receives the function that removes every active fault now (a second Ctrl-C calls it). */
  onRollbackReady?: ((rollback: () => Promise<void>) => void) | undefined;
}

export interface DriveOutcome {
  /** Wall-clock time of the run clock's zero: the load's start. */
  startedAtEpochMs: number;
  aggregates: RecorderAggregates;
  endMs: number;
  series: SecondPoint[];
  probes: ProbeSample[];
  resources: ResourceSample[];
  /** The calibration probe's samples on the run clock (empty for a remote target). */
  calibration: CalibrationSample[];
  faults: FaultRecord[];
  phases: PhaseOutcome[];
  /** Why the run stopped early, or null when it ran to its end. */
  abortReason: string | null;
}

/**
 * The run itself on one clock: load phases, fault injections, the health prober, the resource
 * sampler (off the engine's loop), abort conditions and the live view. Every closed second is
 * written to the timeline at once; faults are always rolled back before this returns.
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

  const series: SecondPoint[] = [];
  const probes: ProbeSample[] = [];
  const resources: ResourceSample[] = [];
  const monitor = createAbortMonitor(parseAborts(d.abort));
  const live = createLiveView({ write: (t) => d.io.out(t.replace(/\n$/, '')), isTTY: d.io.isTTY, columns: process.stdout.columns });
  const liveRecovery = new LiveRecovery(plan, { healthyBuckets: d.healthyBuckets });
  const recorder = new TimelineRecorder({
    clock,
    phaseAt: phaseLookup(plan),
    timeoutMs: d.timeoutMs,
    write: (line) => {
      writer.write(line);
      const p = secondPoint(line);
      series.push(p);
      liveRecovery.add(p);
      const trip = monitor.push(p);
      if (trip) halt(`abort condition ${trip.condition} held from second ${trip.fromSec}`);
      const elapsedMs = clock.nowMs();
      live.update(liveStateAt({ plan, elapsedMs, second: p, recovery: liveRecovery.status(elapsedMs) }));
    },
  });

  const sampler = startResourceSampler({
    clock: base,
    targetPid: () => d.target.managed?.pid ?? d.targetPid ?? null,
    ...(d.target.managed === null && d.targetPid === undefined ? { targetMetricsUrl: `${d.target.directUrl}/metrics` } : {}),
    onSample: (raw) => {
      const s = { ...raw, atMs: raw.atMs - offsetMs };
      if (!(s.atMs >= 0)) return;
      resources.push(s);
      writer.write(s);
    },
  });
  // The machine's speed is only worth measuring when the target runs on this machine: the gate
  // then corrects latency for it (regression-compare.ts).
  const local = d.target.managed !== null || d.targetPid !== undefined;
  const calibration = local ? startCalibrationProbe(() => clock.nowMs()) : null;
  // The worker's start-up costs CPU: let it finish before the load (and the run clock) starts.
  await sampler.ready.catch((e: unknown) => d.io.err(`warning: resource sampling unavailable: ${(e as Error).message}`));
  await calibration?.ready.catch((e: unknown) => d.io.err(`warning: machine calibration unavailable: ${(e as Error).message}`));
  offsetMs = base.nowMs();
  const prober = startHealthProber({
    url: `${d.target.baseUrl}${d.healthPath}`,
    clock,
    intervalMs: d.probeIntervalMs,
    onProbe: (p) => {
      probes.push(p);
      writer.write(p);
    },
  });

  const faultRunner = new FaultRunner({
    ctx: faultContext(d),
    clock,
    signal: stop.signal,
    onEvent: (e) => {
      event({ event: e.event, name: e.name, kind: e.kind, ...(e.detail ? { detail: e.detail } : {}) }, e.atMs);
      live.print(`${(e.atMs / 1000).toFixed(1)}s ${e.event} ${e.name}${e.detail ? `: ${e.detail}` : ''}`);
    },
  });

  d.onRollbackReady?.(() => faultRunner.rollbackAll());
  event({ event: 'run-start', name: plan.scenarioName });
  recorder.start();
  const faultsDone = faultRunner.run(plan.faults);
  let phases: PhaseOutcome[] = [];
  try {
    phases = await runPhases(plan.phases, {
      clock,
      engineFor,
      signal: stop.signal,
      contextFor: (phase): EngineContext => ({ baseUrl: d.target.baseUrl, clock, requests: d.requestsFor(phase), sink: recorder, signal: stop.signal, timeoutMs: d.timeoutMs }),
      onPhaseStart: (p) => event({ event: 'phase-start', name: p.name }),
      onPhaseEnd: (p) => event({ event: 'phase-end', name: p.name }),
    });
  } finally {
    // Faults never outlive the load, whatever happened to it: the runner rolls back on abort.
    if (!stop.signal.aborted) stop.abort(new Error('load finished'));
    await faultsDone.catch(() => undefined);
    await prober.stop();
    await sampler.stop().catch(() => undefined);
    await calibration?.stop().catch(() => undefined);
    live.stop();
    d.signal.removeEventListener('abort', onUserStop);
  }
  const faults = await faultsDone;
  const aggregates = recorder.finish();
  const endMs = clock.nowMs();
  event({ event: 'run-end' }, endMs);
  return { startedAtEpochMs: clock.epochMs, aggregates, endMs, series, probes, resources, calibration: calibration?.samples ?? [], faults, phases, abortReason };
}

function parseAborts(section: Readonly<Record<string, string>>): AbortCondition[] {
  return Object.entries(section).flatMap(([key, text]) => {
    const parsed = parseAbortCondition(key, text);
    return parsed.ok ? [parsed.value] : [];
  });
}

function faultContext(d: DriveDeps) {
  const t = d.target;
  return {
    toxiproxy: t.toxiproxy ? new Toxiproxy(t.toxiproxy.url) : null,
    toxiproxyUrl: t.toxiproxy?.url ?? null,
    toxiproxyEmbedded: t.toxiproxy?.embedded ?? false,
    proxies: t.proxies,
    databaseUrl: t.databaseUrl,
    target: { baseUrl: t.directUrl, ...(t.chaosToken ? { chaosToken: t.chaosToken } : {}), managed: t.managed },
    ledger: new FaultLedger({ runId: d.runId, runFile: d.ledgerFile, machineFile: machineLedgerPath() }),
    log: (msg: string) => d.io.err(msg),
  };
}

export function phaseLookup(plan: Plan): (ms: number) => string | null {
  const windows = plan.phases.map((p) => ({ name: p.name, start: p.startMs, end: p.startMs + p.durationMs }));
  return (ms) => windows.find((w) => ms >= w.start && ms < w.end)?.name ?? null;
}
