import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { analyzeRunWithSeries } from '../analysis/analyze-run.ts';
import type { AnalyzeOptions } from '../analysis/analyze-run.ts';
import { RUN_RECORD_SCHEMA_VERSION } from '../contract/run-record.ts';
import type { RunRecordMeta } from '../contract/run-record.ts';
import type { RunResult } from '../contract/run-result.ts';
import { gateAgainstBaseline } from '../baseline/baseline-gate.ts';
import type { GateOptions } from '../baseline/baseline-gate.ts';
import type { Baseline } from '../baseline/baseline-schema.ts';
import { summarizeCalibration } from '../calibration/summarize-calibration.ts';
import { cleanupLedger } from '../faults/ledger-cleanup.ts';
import { machineLedgerPath } from '../faults/ledger-store.ts';
import { createRequestMix } from '../load/request-mix.ts';
import { TimelineWriter } from '../metrics/timeline-writer.ts';
import { createRng } from '../core/seeded-rng.ts';
import { historyLine } from '../report/history-line.ts';
import { appendHistory, writeReports } from '../report/write-reports.ts';
import { faultProxy } from '../faults/index.ts';
import type { FaultPlan } from '../faults/index.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { phaseRequestNames } from '../scenario/phase-requests.ts';
import { AcceptedIdStore } from './accepted-ids.ts';
import { driveRun } from './drive-run.ts';
import { environmentFingerprint, fingerprintHash } from './environment-fingerprint.ts';
import { gitSha } from './git-sha.ts';
import { auditAccepted } from './integrity-audit.ts';
import type { AcceptedAudit } from './integrity-audit.ts';
import { redactUrl } from '../core/redact.ts';
import { newRunId } from './run-id.ts';
import { readRunRecord } from './read-run-record.ts';
import { reportDataFrom } from './report-data-from.ts';
import { writeRunRecord } from './write-run-record.ts';
import { analysisSettings } from './analysis-settings.ts';
import type { RunObserver } from './run-observer.ts';
import { setUpTarget } from './target-setup.ts';

export interface RunOptions {
  /** The resolved scenario (loaded once by the caller: `loadPlan`). */
  loaded: LoadedScenario;
  /** Its plan, with the seed of this run. */
  plan: FaultPlan;
  /** Overrides the scenario's target URL. */
  targetUrl?: string | undefined;
  /** A real Toxiproxy (overrides the scenario's toxiproxy.url); the embedded one otherwise. */
  toxiproxyUrl?: string | undefined;
  /** Pid of a remote-URL target running on this machine, for resource sampling. */
  targetPid?: number | undefined;
  envName: string;
  /** Reports root; the run goes to <outDir>/<scenario>/<run-id>/. */
  outDir: string;
  /** Where the run is started from: the git commit recorded in the history line is read here. */
  cwd: string;
  /** Whoever watches the run (the CLI passes its live view); absent for none. */
  observer?: RunObserver;
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

/**
 * Runs a resolved scenario's plan: brings the target (and its proxies) up, drives the run, audits,
 * writes the run record, analyses it and writes every report. Loads and prints nothing itself.
 */
export async function runScenario(opts: RunOptions): Promise<RunOutcome> {
  const { loaded, plan } = opts;
  const { scenario } = loaded;
  const observer = opts.observer ?? {};
  await cleanUpLeftovers(observer);
  const targetUrl = opts.targetUrl ?? scenario.target.url;
  const target = await setUpTarget({
    url: targetUrl,
    healthPath: scenario.target.health,
    env: opts.targetEnv ?? {},
    // An embedded target needs time to start its database; a remote one is either up or not.
    readyTimeoutMs: targetUrl === 'embedded' ? 60_000 : 10_000,
    proxied: plan.faults.some((f) => faultProxy(f) !== null) || scenario.proxies.length > 0,
    toxiproxyUrl: opts.toxiproxyUrl ?? scenario.toxiproxy?.url ?? null,
    declaredProxies: scenario.proxies,
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
      rng: createRng(plan.seed),
      onCapture: (name, value, headers) => {
        if (name === auditSection?.capture) accepted.add(value, idempotencyKey(headers));
      },
    });
    const timeoutMs = scenario.target.timeoutMs;
    const settings = analysisSettings(scenario);
    const fingerprint = environmentFingerprint(target.version);
    const meta: RunRecordMeta = {
      schemaVersion: RUN_RECORD_SCHEMA_VERSION,
      complete: false,
      runId,
      seed: plan.seed,
      scenario: { name: scenario.name, file: loaded.file, hash: loaded.hash, profile: loaded.profile },
      target: { url: redactUrl(target.embedded ? target.directUrl : target.baseUrl), embedded: target.embedded },
      environment: { name: opts.envName, fingerprint, fingerprintHash: fingerprintHash(fingerprint), calibration: null },
      startedAtEpochMs: Date.now(),
      endMs: null,
      plan,
      probeIntervalMs: settings.probeIntervalMs,
      abortReason: null,
      engineErrors: [],
      faults: [],
      audit: null,
      warnings: [],
    };
    // Written as the load starts, so a run killed half way can still be analysed up to where its timeline ends.
    let startRecord: Promise<unknown> = Promise.resolve();
    const drive = await driveRun({
      plan, writer, target, runId, runDir, observer, signal: opts.signal, timeoutMs,
      ledgerFile: path.join(runDir, 'faults-ledger.json'),
      requestsFor: (phase) => mix.forRequests(phaseRequestNames(scenario, phase.name) ?? scenario.requests.map((r) => r.name)),
      healthPath: scenario.target.health,
      probeIntervalMs: settings.probeIntervalMs,
      abort: scenario.abort,
      thresholds: scenario.thresholds,
      targetPid: opts.targetPid,
      onRollbackReady: opts.onRollbackReady,
      onStarted: (startedAtEpochMs) => {
        startRecord = writeRunRecord(runDir, { ...meta, startedAtEpochMs }).catch((e: unknown) => {
          observer.onWarning?.(`could not write ${runDir}/record.json at the start of the run: ${(e as Error).message} (it is written again at the end)`);
        });
      },
    });
    await writer.close();
    const audit = auditSection && drive.abortReason === null && accepted.size > 0
      ? await auditAccepted(accepted, { baseUrl: target.directUrl, lookup: auditSection.lookup, terminal: auditSection.terminal, graceSeconds: auditSection.graceSeconds, batchSize: auditSection.batchSize, concurrency: auditSection.concurrency, signal: opts.signal })
      : null;
    const noIds = { lostIds: [], stuckIds: [], duplicatedIds: [], states: {} };
    await startRecord;
    await writeRunRecord(runDir, {
      ...meta,
      complete: true,
      startedAtEpochMs: drive.startedAtEpochMs,
      endMs: drive.endMs,
      environment: { ...meta.environment, calibration: summarizeCalibration(drive.calibration, 0, drive.endMs) },
      abortReason: drive.abortReason,
      engineErrors: drive.phases.filter((o) => o.error !== null).map((o) => `phase ${o.phase.name}: ${o.error?.message}`),
      faults: drive.faults,
      audit: audit !== null
        ? { integrity: audit.integrity, lostIds: audit.lostIds, stuckIds: audit.stuckIds, duplicatedIds: audit.duplicatedIds, states: audit.states }
        // An audited run that accepted nothing audited nothing, and lost nothing.
        : auditSection && drive.abortReason === null ? { integrity: { accepted: 0, terminal: 0, lost: 0, stuck: 0, duplicated: 0 }, ...noIds } : null,
      warnings: auditWarnings(audit),
    });
    // Analysed from the record as read back, so result.json and the reports come from what is on disk.
    const record = await readRunRecord(runDir);
    const { result, series } = analyzeRunWithSeries(record, { thresholds: settings.thresholds, recovery: settings.recovery, gate: gateFor(opts) });
    await writeReports(runDir, reportDataFrom(result, series, record.timeline));
    if (opts.history !== false) {
      await appendHistory(path.join(opts.outDir, opts.envName, 'history.jsonl'), historyLine(result, await gitSha(opts.cwd)));
    }
    return { result, runDir };
  } finally {
    await target.stop();
  }
}

/** What a SIGKILLed earlier run left behind (toxics, hogs, held locks, paused processes) goes first. */
async function cleanUpLeftovers(observer: RunObserver): Promise<void> {
  const report = await cleanupLedger(machineLedgerPath()).catch((e: unknown) => {
    observer.onWarning?.(`could not clean up faults left by an earlier run: ${(e as Error).message} (try \`stresslab faults cleanup\`)`);
    return null;
  });
  const undone = report?.entries.filter((e) => e.outcome === 'cleaned').length ?? 0;
  if (undone > 0) observer.onWarning?.(`removed ${undone} fault(s) left active by an earlier run (see \`stresslab faults list\`)`);
}

function idempotencyKey(headers: Readonly<Record<string, string>>): string | null {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'idempotency-key') return v;
  return null;
}

function auditWarnings(audit: AcceptedAudit | null): string[] {
  if (audit === null) return [];
  const out: string[] = [];
  if (audit.lostIds.length > 0) out.push(`lost executions (first ${audit.lostIds.length}): ${audit.lostIds.slice(0, 10).join(', ')}${audit.lostIds.length > 10 ? ', …' : ''}`);
  if (audit.stuckIds.length > 0) out.push(`executions not terminal after the grace period (first ${audit.stuckIds.length}): ${audit.stuckIds.slice(0, 10).join(', ')}`);
  return out;
}

/** The baseline comparison, given the result before its verdict: with the earlier runs of the same candidate (--runs N). */
function gateFor(opts: RunOptions): AnalyzeOptions['gate'] {
  const gate = opts.gate;
  if (!gate) return undefined;
  return (provisional) => gateAgainstBaseline(gate.baseline, [...(opts.previousResults ?? []), provisional], gate.options);
}

export type { LoadedScenario };
