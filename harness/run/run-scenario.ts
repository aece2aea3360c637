import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { analyzeRunWithSeries } from '../analysis/analyze-run.ts';
import type { AnalyzeOptions, RunAnalysis } from '../analysis/analyze-run.ts';
import { failureReason, withFailures } from '../analysis/failure-verdict.ts';
import { RUN_RECORD_SCHEMA_VERSION } from '../contract/run-record.ts';
import type { RunRecord, RunRecordMeta } from '../contract/run-record.ts';
import { failpoint } from '../core/failpoint.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { splitTimeline } from '../metrics/split-timeline.ts';
import { readTimeline } from '../metrics/timeline-reader.ts';
import type { RunResult } from '../contract/run-result.ts';
import { gateAgainstBaseline } from '../baseline/baseline-gate.ts';
import type { GateOptions } from '../baseline/baseline-gate.ts';
import type { Baseline } from '../baseline/baseline-schema.ts';
import { summarizeCalibration } from '../calibration/summarize-calibration.ts';
import { cleanupLedger } from '../faults/ledger-cleanup.ts';
import { machineLedgerPath } from '../faults/ledger-store.ts';
import { sweepOrphanedRunProcesses } from '../faults/orphan-run-processes.ts';
import { RUN_PROCESSES_KIND } from '../faults/run-process-ledger.ts';
import { createRequestMix } from '../load/request-mix.ts';
import { segmentLabel } from '../load/execution-segment.ts';
import type { ExecutionSegment } from '../load/execution-segment.ts';
import { defaultSegmentCount } from './segment-count.ts';
import { isLoopbackHost } from './target-guard.ts';
import { TimelineWriter } from '../metrics/timeline-writer.ts';
import { createRng } from '../core/seeded-rng.ts';
import { historyLine } from '../report/history-line.ts';
import { appendHistory, writeEachReport } from '../report/write-reports.ts';
import { faultProxy, proxyProtocols } from '../faults/index.ts';
import type { FaultPlan } from '../faults/index.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { readyTimeoutFor } from '../scenario/schema-target.ts';
import type { ResolvedTargetStart } from '../scenario/schema-target.ts';
import { phaseRequestNames } from '../scenario/phase-requests.ts';
import { AcceptedIdStore } from './accepted-ids.ts';
import { driveRun } from './drive-run.ts';
import type { DriveOutcome } from './drive-run.ts';
import { RunFailures } from './run-failures.ts';
import { RUN_RECORD_FILES } from './run-record-files.ts';
import { environmentFingerprint, fingerprintHash } from './environment-fingerprint.ts';
import { gitSha } from './git-sha.ts';
import { createAuditSource } from './audit/create-audit-source.ts';
import { runAuditStage } from './run-audit.ts';
import type { AuditStageResult } from './run-audit.ts';
import { redactUrl } from '../core/redact.ts';
import { newRunId } from './run-id.ts';
import { readRunRecord } from './read-run-record.ts';
import { reportDataFrom } from './report-data-from.ts';
import { writeRunRecord } from './write-run-record.ts';
import { analysisSettings } from './analysis-settings.ts';
import type { RunObserver, RunStepEvent } from './run-observer.ts';
import { setUpTarget } from './target-setup.ts';
import { observeStep } from './observe-step.ts';

export interface RunOptions {
  /** The resolved scenario (loaded once by the caller: `loadPlan`). */
  loaded: LoadedScenario;
  /** Its plan, with the seed of this run. */
  plan: FaultPlan;
  /** Overrides the scenario's target URL. */
  targetUrl?: string | undefined;
  /** Overrides the scenario's target.start (stresslab ab: each build its own command). */
  targetStart?: ResolvedTargetStart | undefined;
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
  /** Load threads (--workers): overrides the scenario's `workers` and the default (segment-count.ts). */
  workers?: number | undefined;
  /**
   * This run is one part of a load run on several machines (`--segment i/N`, docs/workers.md): it
   * sends only its share, part 1 alone injects the plan's faults, and thresholds, the gate and the
   * history line are left to the merged run (`stresslab merge`). Absent: the whole load.
   */
  segment?: ExecutionSegment | undefined;
  /** Wall-clock time (epoch ms) at which the load starts (`--start-at`), so the parts of a load start together. */
  startAtEpochMs?: number | undefined;
  /** Append one line per run to <outDir>/<env>/history.jsonl (default true). */
  history?: boolean;
  /** Receives the function that rolls every active fault back at once (Ctrl-C twice). */
  onRollbackReady?: (rollback: () => Promise<void>) => void;
  /**
   * The run's failure path (the CLI attaches it to the process's uncaught exceptions and
   * rejections); a run makes its own when absent. A failure stops the load like Ctrl-C does.
   */
  failures?: RunFailures;
}

export interface RunOutcome {
  /** Verdict `error` when the harness failed during the run (its reasons say where). */
  result: RunResult;
  runDir: string;
  /** Files of the run that could not be (fully) written, each with why: empty unless the harness failed. */
  unwritten: string[];
}

/**
 * Runs a resolved scenario's plan: brings the target (and its proxies) up, drives the run, audits,
 * writes the run record, analyses it and writes every report. Loads and prints nothing itself.
 * Before the load starts, a failure throws; after, it goes the way of Ctrl-C (run-failures.ts): the
 * load stops, faults are rolled back, what was measured is written where it can be, verdict `error`.
 * Only a failed analysis throws then (HARNESS_FAILED, exit 5), with the record on disk to analyse again.
 */
export async function runScenario(opts: RunOptions): Promise<RunOutcome> {
  const { loaded } = opts;
  const { scenario } = loaded;
  const part = opts.segment !== undefined && opts.segment.count > 1 ? opts.segment : undefined;
  // Faults act on the shared system: one part injects them (and records their effect), not N.
  const plan = part === undefined || part.index === 0 ? opts.plan : { ...opts.plan, faults: [] };
  const observer = opts.observer ?? {};
  const failures = opts.failures ?? new RunFailures();
  const onStep = (e: RunStepEvent): void => observer.onStep?.(e);
  await observeStep(onStep, 'cleanup', () => cleanUpLeftovers(observer));
  const targetUrl = opts.targetUrl ?? scenario.target.url;
  // Known before the target starts: a started target's output goes to its target.log.
  const runId = newRunId(Date.now());
  const runDir = path.join(opts.outDir, scenario.name, runId);
  const target = await setUpTarget({
    url: targetUrl,
    // --target names a running service: the scenario's start command is not run then.
    start: opts.targetStart ?? (opts.targetUrl === undefined ? scenario.target.start : undefined),
    scenarioFile: loaded.file,
    logFile: path.join(runDir, 'target.log'),
    healthPath: scenario.target.health,
    env: opts.targetEnv ?? {},
    readyTimeoutMs: readyTimeoutFor(scenario.target.readyTimeoutMs, targetUrl),
    proxied: plan.faults.some((f) => faultProxy(f) !== null) || scenario.proxies.length > 0,
    toxiproxyUrl: opts.toxiproxyUrl ?? scenario.toxiproxy?.url ?? null,
    declaredProxies: scenario.proxies,
    proxyProtocols: proxyProtocols(plan.faults).protocols,
    chaosToken: randomBytes(16).toString('hex'),
    onWarning: (message) => observer.onWarning?.(message),
    onStep,
  });
  try {
    await fs.mkdir(runDir, { recursive: true }).catch((e: unknown) => {
      throw new StresslabError('BAD_USAGE', `cannot create the run directory ${runDir}: ${(e as Error).message}`, { hint: 'choose another --reports-dir', cause: e });
    });
    const timelineFile = path.join(runDir, RUN_RECORD_FILES.timeline);
    const writer = await TimelineWriter.open(timelineFile, { onError: (e) => failures.fail('timeline', e) });
    const auditSection = scenario.audit?.executions;
    const accepted = new AcceptedIdStore();
    // One mix per run: phases share captured ids and {{seq}}.
    const mix = createRequestMix(loaded, {
      // A part draws from its own stream, as the threads of a run do (segment-worker.ts).
      rng: createRng(part === undefined ? plan.seed : plan.seed + 7919 * (part.index + 1)),
      segment: part,
      onCapture: (name, value, headers) => {
        if (name === auditSection?.capture) accepted.add(value, idempotencyKey(headers));
      },
    });
    // Resolved before the load, so a missing {{env}} variable is bad input now, not an audit error later.
    const auditSource = auditSection === undefined ? null : createAuditSource(auditSection.source, { baseUrl: target.directUrl, env: process.env, scenarioDir: path.dirname(loaded.file) });
    const timeoutMs = scenario.target.timeoutMs;
    // A part holds a share of the traffic: thresholds judge the merged parts (a rate threshold would read 1/N of it).
    const settings = part === undefined ? analysisSettings(scenario) : { ...analysisSettings(scenario), thresholds: [] };
    const fingerprint = environmentFingerprint(target.version);
    // Resolved once, before the load: the reports' headers and the history line say which commit ran.
    const sha = await gitSha(opts.cwd);
    const meta: RunRecordMeta = {
      schemaVersion: RUN_RECORD_SCHEMA_VERSION,
      complete: false,
      runId,
      seed: plan.seed,
      ...(sha === undefined ? {} : { gitSha: sha }),
      scenario: { name: scenario.name, file: loaded.file, hash: loaded.hash, profile: loaded.profile },
      target: { url: redactUrl(target.embedded || target.start !== null ? target.directUrl : target.baseUrl), embedded: target.embedded, ...(target.start === null ? {} : { start: target.start }) },
      environment: { name: opts.envName, fingerprint, fingerprintHash: fingerprintHash(fingerprint), calibration: null },
      startedAtEpochMs: Date.now(),
      endMs: null,
      plan,
      probeIntervalMs: settings.probeIntervalMs,
      abortReason: null,
      engineErrors: [],
      faults: [],
      audit: null,
      warnings: targetNotes(target),
      failures: [],
      ...(part === undefined ? {} : { segment: part }),
    };
    // Written as the load starts, so a run killed half way can still be analysed up to where its timeline ends.
    let startRecord: Promise<unknown> = Promise.resolve();
    let drive: DriveOutcome | null = null;
    try {
      drive = await driveRun({
        plan, writer, target, runId, runDir, observer, signal: opts.signal, timeoutMs,
        failure: failures.signal,
        ledgerFile: path.join(runDir, 'faults-ledger.json'),
        requestsFor: (phase) => mix.forRequests(phaseRequestNames(scenario, phase.name) ?? scenario.requests.map((r) => r.name)),
        startAtEpochMs: opts.startAtEpochMs,
        segments: {
          part,
          count: opts.workers ?? scenario.workers ?? defaultSegmentCount(plan.phases, target.embedded || target.start !== null || isLoopbackHost(new URL(target.directUrl).hostname), undefined, part?.count ?? 1),
          data: {
            requestSource: { scenario: { requests: scenario.requests }, bodies: [...loaded.bodies] },
            phaseRequests: Object.fromEntries(plan.phases.map((p) => [p.name, phaseRequestNames(scenario, p.name) ?? scenario.requests.map((r) => r.name)])),
            seed: plan.seed,
            forwardCaptures: auditSection?.capture === undefined ? [] : [auditSection.capture],
          },
          onCapture: (name, value, headers) => {
            if (name === auditSection?.capture) accepted.add(value, idempotencyKey(headers));
          },
        },
        healthPath: scenario.target.health,
        probeIntervalMs: settings.probeIntervalMs,
        abort: scenario.abort,
        thresholds: settings.thresholds,
        targetPid: opts.targetPid,
        onRollbackReady: opts.onRollbackReady,
        onStarted: (startedAtEpochMs) => {
          startRecord = writeRunRecord(runDir, { ...meta, startedAtEpochMs }).catch((e: unknown) => {
            observer.onWarning?.(`could not write ${runDir}/record.json at the start of the run: ${(e as Error).message} (it is written again at the end)`);
          });
        },
      });
    } catch (e) {
      // driveRun rolls its faults back before it throws; what it measured is in the timeline.
      failures.fail('load', e);
    }
    await writer.close();
    // A failed audit is an outcome (integrity status "error"), not a failure of the run (run-audit.ts).
    let audit: AuditStageResult | null = null;
    if (auditSection !== undefined && auditSource !== null && drive !== null && drive.abortReason === null && !failures.signal.aborted) {
      audit = await observeStep(onStep, 'audit', () => runAuditStage({ spec: auditSection, source: auditSource, store: accepted, signal: opts.signal, failure: failures.signal }));
      if (audit.kind === 'failed') failures.fail('audit', audit.error);
    }
    await startRecord;
    onStep({ step: 'reports', status: 'begin' });
    const finalMeta: RunRecordMeta = drive === null ? meta : {
      ...meta,
      complete: true,
      startedAtEpochMs: drive.startedAtEpochMs,
      endMs: drive.endMs,
      environment: { ...meta.environment, calibration: summarizeCalibration(drive.calibration, 0, drive.endMs) },
      abortReason: drive.abortReason ?? (audit?.kind === 'interrupted' ? 'interrupted (Ctrl-C or SIGTERM) during the integrity audit' : null),
      engineErrors: drive.phases.filter((o) => o.error !== null).map((o) => `phase ${o.phase.name}: ${o.error?.message}`),
      faults: drive.faults,
      audit: audit?.kind === 'audited' ? audit.outcome : null,
      warnings: [...targetNotes(target), ...partNotes(part, opts.plan), ...drive.warnings, ...(audit?.kind === 'audited' ? audit.warnings : [])],
    };
    const unwritten: string[] = [];
    if (writer.error !== null) unwritten.push(`${timelineFile}: ${writer.dropped} line(s) after the failure not written (${(writer.error as Error).message}); the lines before it are whole`);
    let recordOnDisk = true;
    try {
      failpoint('record');
      await writeRunRecord(runDir, { ...finalMeta, failures: [...failures.all] });
    } catch (e) {
      recordOnDisk = false;
      unwritten.push(`${path.join(runDir, RUN_RECORD_FILES.meta)}: ${failures.fail('record', e).message}`);
    }
    let analysis: RunAnalysis;
    let record: RunRecord;
    try {
      // Analysed from the record as read back, so result.json and the reports come from what is on
      // disk; from memory (with the timeline as on disk) when the record could not be written.
      record = recordOnDisk ? await readRunRecord(runDir) : { meta: { ...finalMeta, failures: [...failures.all] }, timeline: splitTimeline(await readTimeline(timelineFile)) };
      failpoint('analysis');
      analysis = analyzeRunWithSeries(record, { thresholds: settings.thresholds, recovery: settings.recovery, gate: gateFor(opts) });
    } catch (e) {
      const f = failures.fail('analysis', e);
      onStep({ step: 'reports', status: 'failed', detail: failureReason(f) });
      throw new StresslabError('HARNESS_FAILED', failureReason(f), {
        cause: e,
        hint: `the load ran and its faults were rolled back; what was measured is in ${runDir}/ (record.json, timeline.jsonl)${recordOnDisk ? `: \`stresslab report ${runDir} --reanalyze\` analyses it again` : ''}${unwritten.length > 0 ? `\nnot written: ${unwritten.join('; ')}` : ''}`,
      });
    }
    let result = withFailures(analysis.result, failures.all);
    if (opts.history !== false && part === undefined) {
      const historyFile = path.join(opts.outDir, opts.envName, 'history.jsonl');
      try {
        await appendHistory(historyFile, historyLine(result, result.gitSha));
      } catch (e) {
        unwritten.push(`${historyFile}: ${failures.fail('history', e).message}`);
        result = withFailures(result, failures.all);
      }
    }
    const reports = (r: RunResult) => writeEachReport(runDir, reportDataFrom(r, analysis.series, record.timeline));
    let { failed } = await reports(result);
    if (failed.length > 0) {
      for (const f of failed) failures.fail('report', Object.assign(new Error(`could not write ${path.basename(f.file)}: ${(f.error as Error).message}`), { code: (f.error as NodeJS.ErrnoException).code }));
      // Written again with the verdict that says so; a file that failed gets one more try.
      result = withFailures(result, failures.all);
      ({ failed } = await reports(result));
    }
    for (const f of failed) unwritten.push(`${f.file}: ${(f.error as Error).message}`);
    onStep({ step: 'reports', status: 'done' });
    return { result, runDir, unwritten };
  } finally {
    await observeStep(onStep, 'stop-target', () => target.stop());
  }
}

/**
 * What a SIGKILLed earlier run left behind goes first: its faults (toxics, hogs, held locks, paused
 * processes) and the processes it started for itself (target, PostgreSQL and its data directory,
 * embedded Toxiproxy), from the machine ledger, then by run marker and cluster directory name for
 * whatever the ledger never heard of. A live run's are left alone.
 */
async function cleanUpLeftovers(observer: RunObserver): Promise<void> {
  const report = await cleanupLedger(machineLedgerPath()).catch((e: unknown) => {
    observer.onWarning?.(`could not clean up faults left by an earlier run: ${(e as Error).message} (try \`stresslab faults cleanup\`)`);
    return null;
  });
  const orphans = await sweepOrphanedRunProcesses().catch((e: unknown) => {
    observer.onWarning?.(`could not stop processes left by an earlier run: ${(e as Error).message} (try \`stresslab faults cleanup\`)`);
    return [];
  });
  const cleaned = report?.entries.filter((e) => e.outcome === 'cleaned') ?? [];
  const faults = cleaned.filter((e) => e.kind !== RUN_PROCESSES_KIND).length;
  // An entry whose processes had all exited already (the run died through its exit hooks) stopped nothing.
  const runs = cleaned.filter((e) => e.kind === RUN_PROCESSES_KIND && e.actions.some((a) => a.outcome === 'undone')).length;
  if (faults > 0) observer.onWarning?.(`removed ${faults} fault(s) left active by an earlier run (see \`stresslab faults list\`)`);
  if (runs > 0 || orphans.length > 0) {
    observer.onWarning?.(`stopped what ${runs > 0 ? `${runs} killed earlier run(s)` : 'a killed earlier run'} had started (target, database, proxy${orphans.length > 0 ? `; ${orphans.length} found by marker or cluster directory` : ''})`);
  }
  for (const u of report?.unwritable ?? []) observer.onWarning?.(`could not mark faults of an earlier run done in ${u.file}: ${u.message}`);
}

function idempotencyKey(headers: Readonly<Record<string, string>>): string | null {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'idempotency-key') return v;
  return null;
}

/** What a person should know about how the target came to be (result.json warnings). */
function targetNotes(target: { start: { command: string; reused: boolean } | null; directUrl: string }): string[] {
  if (target.start?.reused !== true) return [];
  return [`target.start: ${redactUrl(target.directUrl)} already answered healthy and was used as it was (reuseExisting): \`${target.start.command}\` was not run and nothing was stopped`];
}

/** What a part of a load (`--segment i/N`) is, for result.json's warnings. */
function partNotes(part: ExecutionSegment | undefined, plan: FaultPlan): string[] {
  if (part === undefined) return [];
  const faults = plan.faults.length === 0 ? '' : part.index === 0 ? `; it injected the plan's ${plan.faults.length} fault(s) for every part` : `; the plan's ${plan.faults.length} fault(s) are injected by part 1/${part.count}`;
  return [`part ${segmentLabel(part)} of a load: its share of the traffic only, not judged by thresholds or the gate${faults}; \`stresslab merge\` the ${part.count} parts' run directories to judge the whole`];
}

/** The baseline comparison, given the result before its verdict: with the earlier runs of the same candidate (--runs N). */
function gateFor(opts: RunOptions): AnalyzeOptions['gate'] {
  const gate = opts.gate;
  // A part is gated only as one of the merged whole.
  if (opts.segment !== undefined && opts.segment.count > 1) return undefined;
  if (!gate) return undefined;
  return (provisional) => gateAgainstBaseline(gate.baseline, [...(opts.previousResults ?? []), provisional], gate.options);
}

export type { LoadedScenario };
