import fs from 'node:fs/promises';
import path from 'node:path';
import type { CliIo } from '../cli/command.ts';
import type { RunResult } from '../analysis/run-result.ts';
import { engineFor } from '../load/index.ts';
import type { EngineContext } from '../load/engine.ts';
import { createRequestMix } from '../load/request-mix.ts';
import { TimelineRecorder } from '../metrics/timeline-recorder.ts';
import { TimelineWriter } from '../metrics/timeline-writer.ts';
import type { TimelineEvent } from '../metrics/timeline-types.ts';
import { buildPlan } from '../plan/build-plan.ts';
import type { Plan } from '../plan/plan-types.ts';
import { createRng } from '../plan/seeded-rng.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { monotonicClock } from './clock.ts';
import { newRunId } from './run-id.ts';
import { runPhases } from './phase-scheduler.ts';
import { setUpTarget } from './target-setup.ts';
import { assembleResult } from '../analysis/assemble-result.ts';
import { durationMs } from '../scenario/duration.ts';
import { phaseRequestNames } from '../scenario/phase-requests.ts';
import { environmentFingerprint, fingerprintHash } from './environment-fingerprint.ts';
import type { AssembleInput } from '../analysis/assemble-result.ts';
import { gateAgainstBaseline } from '../baseline/baseline-gate.ts';
import type { GateOptions } from '../baseline/baseline-gate.ts';
import type { Baseline } from '../baseline/baseline-schema.ts';
import { readTimeline } from '../metrics/timeline-reader.ts';
import { historyLine } from '../report/history-line.ts';
import { appendHistory, writeReports } from '../report/write-reports.ts';
import { gitSha } from './git-sha.ts';
import { reportDataFrom } from './run-record.ts';

export interface RunOptions {
  scenario: string;
  profile?: string | undefined;
  /** Overrides the scenario's target URL. */
  targetUrl?: string | undefined;
  envName: string;
  /** Reports root; the run goes to <outDir>/<scenario>/<run-id>/. */
  outDir: string;
  seed: number;
  io: CliIo;
  /** Aborting stops the run gracefully (partial results, verdict "aborted"). */
  signal: AbortSignal;
  /** Environment for an embedded target (TARGET_WORK_FACTOR, WORKERS, …). */
  targetEnv?: Record<string, string>;
  /** The regression gate: a baseline and its options, or null for none (--no-baseline, or no file). */
  gate?: { baseline: Baseline; options: GateOptions } | null;
  /** Earlier runs of the same candidate (--runs N): the gate compares all of them with the baseline. */
  previousResults?: readonly RunResult[];
  /** Append one line per run to <outDir>/<env>/history.jsonl (default true). */
  history?: boolean;
}

export interface RunOutcome {
  result: RunResult;
  runDir: string;
}

/** Loads, plans, brings the target up, drives the load, and writes result.json and timeline.jsonl. */
export async function runScenario(opts: RunOptions): Promise<RunOutcome> {
  const loaded = await loadScenario(opts.scenario, { profile: opts.profile, cwd: opts.io.cwd });
  const { scenario } = loaded;
  const plan = buildPlan(scenario, { seed: opts.seed, profile: loaded.profile });
  const target = await setUpTarget({
    url: opts.targetUrl ?? scenario.target.url,
    healthPath: scenario.target.health,
    env: opts.targetEnv ?? {},
    // An embedded target needs time to start its database; a remote one is either up or not.
    readyTimeoutMs: (opts.targetUrl ?? scenario.target.url) === 'embedded' ? 60_000 : 10_000,
  });
  try {
    const clock = monotonicClock();
    const runId = newRunId(clock.epochMs);
    const runDir = path.join(opts.outDir, scenario.name, runId);
    await fs.mkdir(runDir, { recursive: true });
    const writer = await TimelineWriter.open(path.join(runDir, 'timeline.jsonl'));
    const event = (e: Omit<TimelineEvent, 'type' | 'atMs'>) => writer.write({ type: 'event', atMs: clock.nowMs(), ...e });
    const timeoutMs = durationMs(scenario.target.timeout);
    const recorder = new TimelineRecorder({ clock, write: (line) => writer.write(line), phaseAt: phaseLookup(plan), timeoutMs });
    // One mix per run: phases share captured ids and {{seq}}.
    const mix = createRequestMix(loaded, { rng: createRng(opts.seed) });
    event({ event: 'run-start', name: scenario.name });
    recorder.start();
    const outcomes = await runPhases(plan.phases, {
      clock,
      engineFor,
      signal: opts.signal,
      contextFor: (phase): EngineContext => ({
        baseUrl: target.baseUrl,
        clock,
        requests: mix.forRequests(phaseRequestNames(scenario, phase.name) ?? scenario.requests.map((r) => r.name)),
        sink: recorder,
        signal: opts.signal,
        timeoutMs,
      }),
      onPhaseStart: (p) => event({ event: 'phase-start', name: p.name }),
      onPhaseEnd: (p) => event({ event: 'phase-end', name: p.name }),
    });
    const aggregates = recorder.finish();
    const endMs = clock.nowMs();
    event({ event: opts.signal.aborted ? 'abort' : 'run-end' });
    await writer.close();
    const engineErrors = outcomes.filter((o) => o.error !== null).map((o) => `phase ${o.phase.name}: ${o.error?.message}`);
    const fingerprint = environmentFingerprint(target.version);
    const input: AssembleInput = {
      runId,
      seed: opts.seed,
      scenario: { name: scenario.name, file: loaded.file, hash: loaded.hash, profile: loaded.profile },
      thresholds: scenario.thresholds,
      plan,
      aggregates,
      startedAtEpochMs: clock.epochMs,
      endMs,
      target: { url: target.baseUrl, embedded: target.embedded },
      environment: { name: opts.envName, fingerprint, fingerprintHash: fingerprintHash(fingerprint) },
      aborted: opts.signal.aborted,
      engineErrors,
    };
    const result = withGate(input, opts);
    const lines = await readTimeline(writer.path);
    await writeReports(runDir, reportDataFrom(result, lines));
    if (opts.history !== false) {
      await appendHistory(path.join(opts.outDir, opts.envName, 'history.jsonl'), historyLine(result, await gitSha(opts.io.cwd)));
    }
    return { result, runDir };
  } finally {
    await target.stop();
  }
}

/** Assembles the result, then again with the baseline comparison when there is a baseline. */
function withGate(input: AssembleInput, opts: RunOptions): RunResult {
  const plain = assembleResult(input);
  if (!opts.gate) return plain;
  const { regressions, warnings } = gateAgainstBaseline(opts.gate.baseline, [...(opts.previousResults ?? []), plain], opts.gate.options);
  return assembleResult({ ...input, regressions, warnings: [...(input.warnings ?? []), ...warnings] });
}

function phaseLookup(plan: Plan): (ms: number) => string | null {
  const windows = plan.phases.map((p) => ({ name: p.name, start: p.startMs, end: p.startMs + p.durationMs }));
  return (ms) => windows.find((w) => ms >= w.start && ms < w.end)?.name ?? null;
}
