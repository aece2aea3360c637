import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CliIo } from '../cli/command.ts';
import { assembleResult } from '../analysis/assemble-result.ts';
import type { AssembleInput } from '../analysis/assemble-result.ts';
import { analyzeChaos } from '../analysis/chaos-analysis.ts';
import type { RunResult } from '../contract/run-result.ts';
import { gateAgainstBaseline } from '../baseline/baseline-gate.ts';
import type { GateOptions } from '../baseline/baseline-gate.ts';
import type { Baseline } from '../baseline/baseline-schema.ts';
import { summarizeCalibration } from '../calibration/summarize-calibration.ts';
import { cleanupLedger } from '../faults/ledger-cleanup.ts';
import { machineLedgerPath } from '../faults/ledger-store.ts';
import { createRequestMix } from '../load/request-mix.ts';
import { readTimeline } from '../metrics/timeline-reader.ts';
import { TimelineWriter } from '../metrics/timeline-writer.ts';
import { buildPlan } from '../plan/build-plan.ts';
import { createRng } from '../core/seeded-rng.ts';
import { historyLine } from '../report/history-line.ts';
import { appendHistory, writeReports } from '../report/write-reports.ts';
import { durationMs } from '../core/duration.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { phaseRequestNames } from '../scenario/phase-requests.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { AcceptedIdStore } from './accepted-ids.ts';
import { driveRun } from './drive-run.ts';
import { environmentFingerprint, fingerprintHash } from './environment-fingerprint.ts';
import { gitSha } from './git-sha.ts';
import { auditAccepted } from './integrity-audit.ts';
import type { AcceptedAudit } from './integrity-audit.ts';
import { redactUrl } from '../core/redact.ts';
import { newRunId } from './run-id.ts';
import { reportDataFrom } from './run-record.ts';
import { setUpTarget } from './target-setup.ts';

export interface RunOptions {
  scenario: string;
  profile?: string | undefined;
  /** Overrides the scenario's target URL. */
  targetUrl?: string | undefined;
  /** A real Toxiproxy (overrides the scenario's toxiproxy.url); the embedded one otherwise. */
  toxiproxyUrl?: string | undefined;
  /** Pid of a remote-URL target running on this machine, for resource sampling. */
  targetPid?: number | undefined;
  envName: string;
  /** Reports root; the run goes to <outDir>/<scenario>/<run-id>/. */
  outDir: string;
  seed: number;
  io: CliIo;
  /** Aborting stops the run gracefully (faults rolled back, partial results, verdict "aborted"). */
  signal: AbortSignal;
  /** Environment for an embedded target (TARGET_WORK_FACTOR, WORKERS, …). */
  targetEnv?: Record<string, string>;
  /** The regression gate: a baseline and its options, or null for none (--no-baseline, or no file). */
  gate?: { baseline: Baseline; options: GateOptions } | null;
  /** Earlier runs of the same candidate (--runs N): the gate compares all of them with the baseline. */
  previousResults?: readonly RunResult[];
  /** Append one line per run to <outDir>/<env>/history.jsonl (default true). */
  history?: boolean;
  /** Receives the function that rolls every active fault back at once (Ctrl-C twice). */
  onRollbackReady?: (rollback: () => Promise<void>) => void;
}

export interface RunOutcome {
  result: RunResult;
  runDir: string;
}

/** Loads, plans, brings the target (and its proxies) up, drives the run, audits, analyses and writes every report. */
export async function runScenario(opts: RunOptions): Promise<RunOutcome> {
  const loaded = await loadScenario(opts.scenario, { profile: opts.profile, cwd: opts.io.cwd });
  const { scenario } = loaded;
  const plan = buildPlan(scenario, { seed: opts.seed, profile: loaded.profile });
  await cleanUpLeftovers(opts.io);
  const targetUrl = opts.targetUrl ?? scenario.target.url;
  const target = await setUpTarget({
    url: targetUrl,
    healthPath: scenario.target.health,
    env: opts.targetEnv ?? {},
    // An embedded target needs time to start its database; a remote one is either up or not.
    readyTimeoutMs: targetUrl === 'embedded' ? 60_000 : 10_000,
    proxied: plan.faults.some((f) => typeof f.params['proxy'] === 'string') || (scenario.proxies?.length ?? 0) > 0,
    toxiproxyUrl: opts.toxiproxyUrl ?? scenario.toxiproxy?.url ?? null,
    declaredProxies: scenario.proxies ?? [],
    chaosToken: randomBytes(16).toString('hex'),
  });
  try {
    const runId = newRunId(Date.now());
    const runDir = path.join(opts.outDir, scenario.name, runId);
    await fs.mkdir(runDir, { recursive: true });
    const writer = await TimelineWriter.open(path.join(runDir, 'timeline.jsonl'));
    const auditSection = scenario.audit?.executions;
    const accepted = new AcceptedIdStore();
    // One mix per run: phases share captured ids and {{seq}}.
    const mix = createRequestMix(loaded, {
      rng: createRng(opts.seed),
      onCapture: (name, value, headers) => {
        if (name === auditSection?.capture) accepted.add(value, idempotencyKey(headers));
      },
    });
    const timeoutMs = durationMs(scenario.target.timeout);
    const recovery = scenario.recovery;
    const probeIntervalMs = recovery ? durationMs(recovery.probeInterval) : 250;
    const drive = await driveRun({
      plan, writer, target, runId, io: opts.io, signal: opts.signal, timeoutMs,
      ledgerFile: path.join(runDir, 'faults-ledger.json'),
      requestsFor: (phase) => mix.forRequests(phaseRequestNames(scenario, phase.name) ?? scenario.requests.map((r) => r.name)),
      healthPath: scenario.target.health,
      probeIntervalMs,
      healthyBuckets: recovery?.healthyBuckets ?? 5,
      abort: scenario.abort ?? {},
      targetPid: opts.targetPid,
      onRollbackReady: opts.onRollbackReady,
    });
    await writer.close();
    const audit = auditSection && drive.abortReason === null && accepted.size > 0
      ? await auditAccepted(accepted, { baseUrl: target.directUrl, lookup: auditSection.lookup, terminal: auditSection.terminal, graceSeconds: auditSection.graceSeconds, batchSize: auditSection.batchSize, concurrency: auditSection.concurrency, signal: opts.signal })
      : null;
    const integrity = audit?.integrity ?? (auditSection && drive.abortReason === null ? { accepted: 0, terminal: 0, lost: 0, stuck: 0, duplicated: 0 } : null);
    const chaos = analyzeChaos({
      series: drive.series,
      injections: drive.faults.map((r) => ({ event: plan.faults.find((f) => f.name === r.name)!, injectedAtMs: r.injectedAtMs, removedAtMs: r.removedAtMs, error: r.error })),
      probes: drive.probes,
      probeIntervalMs,
      resources: drive.resources,
      integrity,
      recovery: recoveryParams(scenario),
      openModel: plan.phases.every((p) => p.executor.endsWith('arrival-rate')),
    });
    const fingerprint = environmentFingerprint(target.version);
    const input: AssembleInput = {
      runId,
      seed: opts.seed,
      scenario: { name: scenario.name, file: loaded.file, hash: loaded.hash, profile: loaded.profile },
      thresholds: scenario.thresholds,
      plan,
      aggregates: drive.aggregates,
      startedAtEpochMs: drive.startedAtEpochMs,
      endMs: drive.endMs,
      target: { url: redactUrl(target.embedded ? target.directUrl : target.baseUrl), embedded: target.embedded },
      environment: { name: opts.envName, fingerprint, fingerprintHash: fingerprintHash(fingerprint), calibration: summarizeCalibration(drive.calibration, 0, drive.endMs) },
      aborted: drive.abortReason !== null,
      ...(drive.abortReason !== null ? { abortReason: drive.abortReason } : {}),
      engineErrors: [...drive.phases.filter((o) => o.error !== null).map((o) => `phase ${o.phase.name}: ${o.error?.message}`), ...chaos.reasons],
      scalars: chaos.scalars,
      warnings: [...chaos.warnings, ...auditWarnings(audit)],
      chaos: { faults: chaos.faults, recovery: chaos.recovery, steadyState: chaos.steadyState, integrity, resources: chaos.resources },
    };
    const result = withGate(input, opts);
    await writeReports(runDir, reportDataFrom(result, await readTimeline(writer.path)));
    if (opts.history !== false) {
      await appendHistory(path.join(opts.outDir, opts.envName, 'history.jsonl'), historyLine(result, await gitSha(opts.io.cwd)));
    }
    return { result, runDir };
  } finally {
    await target.stop();
  }
}

/** What a SIGKILLed earlier run left behind (toxics, hogs, held locks, paused processes) goes first. */
async function cleanUpLeftovers(io: CliIo): Promise<void> {
  const report = await cleanupLedger(machineLedgerPath()).catch((e: unknown) => {
    io.err(`warning: could not clean up faults left by an earlier run: ${(e as Error).message} (try \`stresslab faults cleanup\`)`);
    return null;
  });
  const undone = report?.entries.filter((e) => e.outcome === 'cleaned').length ?? 0;
  if (undone > 0) io.err(`removed ${undone} fault(s) left active by an earlier run (see \`stresslab faults list\`)`);
}

function idempotencyKey(headers: Readonly<Record<string, string>>): string | null {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'idempotency-key') return v;
  return null;
}

function recoveryParams(scenario: Scenario) {
  const r = scenario.recovery;
  return {
    steadyStateWindowMs: r ? durationMs(r.steadyStateWindow) : 60_000,
    healthyBuckets: r?.healthyBuckets ?? 5,
    unhealthyBuckets: r?.unhealthyBuckets ?? 3,
    observationWindowMs: r ? durationMs(r.observationWindow) : 120_000,
    tolerances: r?.tolerances ?? {},
  };
}

function auditWarnings(audit: AcceptedAudit | null): string[] {
  if (audit === null) return [];
  const out: string[] = [];
  if (audit.lostIds.length > 0) out.push(`lost executions (first ${audit.lostIds.length}): ${audit.lostIds.slice(0, 10).join(', ')}${audit.lostIds.length > 10 ? ', …' : ''}`);
  if (audit.stuckIds.length > 0) out.push(`executions not terminal after the grace period (first ${audit.stuckIds.length}): ${audit.stuckIds.slice(0, 10).join(', ')}`);
  return out;
}

/** Assembles the result, then again with the baseline comparison when there is a baseline. */
function withGate(input: AssembleInput, opts: RunOptions): RunResult {
  const plain = assembleResult(input);
  if (!opts.gate) return plain;
  const { regressions, warnings } = gateAgainstBaseline(opts.gate.baseline, [...(opts.previousResults ?? []), plain], opts.gate.options);
  return assembleResult({ ...input, regressions, warnings: [...(input.warnings ?? []), ...warnings] });
}

export type { LoadedScenario };
