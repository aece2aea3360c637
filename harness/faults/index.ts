import type { FaultEventPlan } from '../contract/plan-types.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { cpuHog } from './cpu-hog.ts';
import { dbDown } from './db-down.ts';
import { dbKillBackends } from './db-kill-backends.ts';
import { dbLatency } from './db-latency.ts';
import { dbLock } from './db-lock.ts';
import { dbPoolExhaustion } from './db-pool-exhaustion.ts';
import { dbSlowStatements } from './db-slow-statements.ts';
import { dbTimeout } from './db-timeout.ts';
import { exec } from './exec.ts';
import type { FaultContext, FaultDriver, FaultKindModule } from './fault-kind.ts';
import { FAULT_KINDS } from './fault-spec-schema.ts';
import type { FaultKind } from './fault-spec-schema.ts';
import { memoryPressure } from './memory-pressure.ts';
import { netBandwidth } from './net-bandwidth.ts';
import { netFlaky } from './net-flaky.ts';
import { netJitter } from './net-jitter.ts';
import { netLatency } from './net-latency.ts';
import { netLimitData } from './net-limit-data.ts';
import { netPartition } from './net-partition.ts';
import { netReset } from './net-reset.ts';
import { netSlicer } from './net-slicer.ts';
import { netTimeout } from './net-timeout.ts';
import { processKill } from './process-kill.ts';
import { processPause } from './process-pause.ts';

/** Every fault kind's driver, keyed by kind: a kind in the schema without a driver does not compile. */
export const FAULT_KIND_MODULES: { readonly [K in FaultKind]: FaultKindModule<K> } = {
  'net-latency': netLatency,
  'net-jitter': netJitter,
  'net-bandwidth': netBandwidth,
  'net-timeout': netTimeout,
  'net-reset': netReset,
  'net-partition': netPartition,
  'net-slicer': netSlicer,
  'net-limit-data': netLimitData,
  'net-flaky': netFlaky,
  'db-latency': dbLatency,
  'db-down': dbDown,
  'db-timeout': dbTimeout,
  'db-pool-exhaustion': dbPoolExhaustion,
  'db-lock': dbLock,
  'db-kill-backends': dbKillBackends,
  'db-slow-statements': dbSlowStatements,
  'memory-pressure': memoryPressure,
  'cpu-hog': cpuHog,
  'process-kill': processKill,
  'process-pause': processPause,
  exec,
};

export function isFaultKind(kind: string): kind is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(kind);
}

/** The driver for one planned injection. */
export function createFaultDriver(event: FaultEventPlan, ctx: FaultContext): FaultDriver {
  if (!isFaultKind(event.kind)) {
    throw new StresslabError('BAD_SCENARIO', `Unknown fault kind "${event.kind}"`, { hint: `Known kinds: ${FAULT_KINDS.join(', ')}` });
  }
  return (FAULT_KIND_MODULES[event.kind] as FaultKindModule<FaultKind>).create(event, ctx);
}

/** One line describing a planned injection, for plans and reports. */
export function describeFault(event: FaultEventPlan): string {
  if (!isFaultKind(event.kind)) return event.kind;
  const module = FAULT_KIND_MODULES[event.kind] as FaultKindModule<FaultKind>;
  return module.describe(event.params as never);
}

export type { FaultContext, FaultDriver, FaultKindModule, FaultParams, FaultTarget, ManagedProcess, ProxyDeclaration } from './fault-kind.ts';
export { FaultLedger } from './fault-ledger.ts';
export type { FaultLedgerOptions } from './fault-ledger.ts';
export { machineLedgerPath, readLedger } from './ledger-store.ts';
export type { LedgerEntry } from './ledger-store.ts';
export { runFaultSchedule, FaultRunner } from './fault-runner.ts';
export type { FaultRecord, FaultRunEvent, FaultRunnerDeps } from './fault-runner.ts';
export { cleanupLedger, listActive } from './ledger-cleanup.ts';
export type { CleanupReport, CleanupOptions } from './ledger-cleanup.ts';
