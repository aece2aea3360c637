import type * as z from 'zod';
import type { FaultEventPlan, Plan } from '../contract/plan-types.ts';
import type { FaultContext, FaultDriver, FaultKindDefinition, ProxyProtocolNeed, Touch } from './fault-kind.ts';
import { cpuHog } from './kinds/cpu-hog.ts';
import { dbDown } from './kinds/db-down.ts';
import { dbDropInTransaction } from './kinds/db-drop-in-transaction.ts';
import { dbError } from './kinds/db-error.ts';
import { dbKillBackends } from './kinds/db-kill-backends.ts';
import { dbLatency } from './kinds/db-latency.ts';
import { dbLock } from './kinds/db-lock.ts';
import { dbPoolExhaustion } from './kinds/db-pool-exhaustion.ts';
import { dbRejectConnections } from './kinds/db-reject-connections.ts';
import { dbSlowCommit } from './kinds/db-slow-commit.ts';
import { dbSlowStatements } from './kinds/db-slow-statements.ts';
import { dbTimeout } from './kinds/db-timeout.ts';
import { exec } from './kinds/exec.ts';
import { httpAbort } from './kinds/http-abort.ts';
import { httpDelay } from './kinds/http-delay.ts';
import { httpError } from './kinds/http-error.ts';
import { memoryPressure } from './kinds/memory-pressure.ts';
import { netBandwidth } from './kinds/net-bandwidth.ts';
import { netFlaky } from './kinds/net-flaky.ts';
import { netJitter } from './kinds/net-jitter.ts';
import { netLatency } from './kinds/net-latency.ts';
import { netLimitData } from './kinds/net-limit-data.ts';
import { netPartition } from './kinds/net-partition.ts';
import { netReset } from './kinds/net-reset.ts';
import { netSlicer } from './kinds/net-slicer.ts';
import { netTimeout } from './kinds/net-timeout.ts';
import { processKill } from './kinds/process-kill.ts';
import { processPause } from './kinds/process-pause.ts';

/** A map whose every key is its value's kind: registering a kind under another name does not compile. */
function registry<T extends { readonly [K in keyof T]: { readonly kind: K } }>(kinds: T): T {
  return kinds;
}

/**
 * Every fault kind, keyed by kind. A kind is one file under kinds/ (schema, describe, touches,
 * recovery anchor, driver); this map is the only list of them, and every type below derives from it.
 */
export const FAULT_KINDS = registry({
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
  'db-error': dbError,
  'db-reject-connections': dbRejectConnections,
  'db-drop-in-transaction': dbDropInTransaction,
  'db-slow-commit': dbSlowCommit,
  'http-error': httpError,
  'http-delay': httpDelay,
  'http-abort': httpAbort,
  'memory-pressure': memoryPressure,
  'cpu-hog': cpuHog,
  'process-kill': processKill,
  'process-pause': processPause,
  exec,
});

export type FaultKind = keyof typeof FAULT_KINDS;
export const FAULT_KIND_NAMES = Object.keys(FAULT_KINDS) as FaultKind[];

/** A kind's parameters as its driver takes them (validated, defaults applied, durations in ms). */
export type FaultParams<K extends FaultKind> = K extends FaultKind ? ((typeof FAULT_KINDS)[K] extends FaultKindDefinition<K, infer _S, infer P> ? P : never) : never;
/** A kind's parameters as a scenario writes them. */
export type FaultParamsInput<K extends FaultKind> = K extends FaultKind ? ((typeof FAULT_KINDS)[K] extends FaultKindDefinition<K, infer S, infer _P> ? z.input<z.ZodObject<S>> : never) : never;

/** One planned injection of kind K, its parameters at their type. */
export type FaultEventOf<K extends FaultKind> = FaultEventPlan<K, FaultParams<K>>;
/** Any planned injection: a union over kinds, so `event.kind` narrows `event.params`. */
export type PlannedFault = { [K in FaultKind]: FaultEventOf<K> }[FaultKind];
/** A plan whose fault events keep their parameters' types. */
export type FaultPlan = Plan<PlannedFault>;

/**
 * A kind's definition with its parameter type widened. TypeScript cannot follow that a value's
 * `kind` and `params` belong together through a union, so the dispatchers below widen here, once,
 * and are only ever called with a value whose params are of its own kind (PlannedFault, FaultSpec).
 */
function definitionFor(kind: FaultKind): FaultKindDefinition<string, z.ZodRawShape, object> {
  return FAULT_KINDS[kind] as unknown as FaultKindDefinition<string, z.ZodRawShape, object>;
}

/** The driver for one planned injection. */
export function createFaultDriver(event: PlannedFault, ctx: FaultContext): FaultDriver {
  return definitionFor(event.kind).create(event, ctx);
}

/** One line describing a planned injection, for plans and reports. */
export function describeFault(event: PlannedFault): string {
  return definitionFor(event.kind).describe(event.params);
}

/** What one planned injection touches, for the dry run. */
export function faultTouches(event: PlannedFault): Touch[] {
  return definitionFor(event.kind).touches(event.params);
}

/** The same fault with its kind's time-valued parameters scaled by a profile's duration factor. */
export function withScaledParams<F extends { kind: FaultKind; params: object }>(fault: F, durationFactor: number): F {
  return { ...fault, params: definitionFor(fault.kind).scale(fault.params, durationFactor) };
}

/**
 * The mode each proxy of the plan must be created in (db-* wire faults: postgres, http-* faults:
 * http), and the faults that ask one proxy for two modes (a plan error: the proxy can speak only one).
 */
export function proxyProtocols(faults: readonly { name?: string; kind: FaultKind; params: object }[]): { protocols: Record<string, ProxyProtocolNeed>; conflicts: string[] } {
  const protocols: Record<string, ProxyProtocolNeed> = {};
  const conflicts: string[] = [];
  for (const f of faults) {
    const need = FAULT_KINDS[f.kind].protocol;
    const proxy = faultProxy(f);
    if (need === undefined || proxy === null) continue;
    const had = protocols[proxy];
    if (had !== undefined && had !== need) conflicts.push(`${f.name ?? f.kind} needs proxy "${proxy}" in ${need} mode, an earlier fault needs it in ${had} mode`);
    else protocols[proxy] = need;
  }
  return { protocols, conflicts };
}

/** The Toxiproxy proxy a fault acts on, or null for kinds that use none. */
export function faultProxy(fault: { params: object }): string | null {
  const proxy: unknown = (fault.params as { proxy?: unknown }).proxy;
  return typeof proxy === 'string' ? proxy : null;
}

export type { FaultContext, FaultDriver, FaultKindDefinition, FaultTarget, ManagedProcess, ProxyDeclaration, ProxyProtocolNeed, Touch } from './fault-kind.ts';
