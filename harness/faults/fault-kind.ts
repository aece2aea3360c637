import type { Toxiproxy } from 'toxiproxy-node-client';
import type { FaultEventPlan } from '../contract/plan-types.ts';
import type { FaultLedger } from './fault-ledger.ts';
import type { FaultKind, FaultSpec } from './fault-spec-schema.ts';

/** A proxy the scenario declares (or the embedded `api`/`db` ones). */
export interface ProxyDeclaration {
  name: string;
  listen: string;
  upstream: string;
}

/** The harness-owned target process (ManagedTarget satisfies it). */
export interface ManagedProcess {
  readonly pid: number | null;
  signal(sig: NodeJS.Signals): boolean;
  start(): Promise<void>;
  readonly running: boolean;
}

export interface FaultTarget {
  baseUrl: string;
  /** Bearer token of the target's /chaos routes (CHAOS_TOKEN). */
  chaosToken?: string;
  /** null for a target the harness does not own (a remote URL). */
  managed: ManagedProcess | null;
}

/** Everything a fault driver may touch; the runner builds it once per run. */
export interface FaultContext {
  /** The official client on the run's Toxiproxy (embedded or real); null when none is configured. */
  toxiproxy: Toxiproxy | null;
  toxiproxyUrl: string | null;
  /** True when the Toxiproxy is the embedded one (it dies with the run, so do its toxics). */
  toxiproxyEmbedded?: boolean;
  proxies: Readonly<Record<string, ProxyDeclaration>>;
  /** Admin URL straight to PostgreSQL (not through the `db` proxy). */
  databaseUrl: string | null;
  target: FaultTarget;
  ledger: FaultLedger;
  log(msg: string): void;
}

export interface FaultDriver {
  inject(): Promise<void>;
  /** Idempotent, and safe after an inject that failed half way (or never ran). */
  remove(): Promise<void>;
}

/** The driver's parameters: the validated scenario entry without its timing keys. */
export type FaultParams<K extends FaultKind> = Omit<Extract<FaultSpec, { kind: K }>, 'kind' | 'name' | 'at' | 'duration' | 'every' | 'times'>;

export interface FaultKindModule<K extends FaultKind> {
  kind: K;
  /** One line for plans and reports, e.g. "+250 ms ±50 ms on proxy db (downstream)". */
  describe(params: FaultParams<K>): string;
  create(event: FaultEventPlan, ctx: FaultContext): FaultDriver;
}

/**
 * The plan carries params as plain data already validated by the kind's schema at the edge
 * (fault-spec-schema.ts), so the driver takes them at their type instead of parsing twice.
 */
export function paramsOf<K extends FaultKind>(event: FaultEventPlan, _kind: K): FaultParams<K> {
  return event.params as unknown as FaultParams<K>;
}
