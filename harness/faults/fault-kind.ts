import type { Toxiproxy } from 'toxiproxy-node-client';
import type * as z from 'zod';
import type { FaultObservation } from '../contract/fault-observation.ts';
import type { FaultEventPlan, RecoveryAnchor } from '../contract/plan-types.ts';
import type { FaultLedger } from './fault-ledger.ts';

/** A proxy the scenario declares (or the embedded `api`/`db` ones). */
export interface ProxyDeclaration {
  name: string;
  listen: string;
  upstream: string;
}

/**
 * The harness-owned target process (ManagedTarget satisfies it). It leads its own process group
 * (pgid = pid), and `signal()` reaches the whole group: a shell's or npm's children go with it.
 */
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
  /**
   * The Toxiproxy is stresslab's own (embedded or standalone), which removes a toxic by itself when
   * its `ttl` runs out: toxics then carry one, so a fault ends even if the run that added it died.
   */
  toxicTtl?: boolean;
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
  /**
   * What the fault saw of its own effect, asked once after `remove` (docs/fault-effect.md): proxy
   * counters, backends terminated, waits seen, a hog's CPU or memory. Absent or null: nothing
   * beyond the traffic can tell.
   */
  observation?(): FaultObservation | null;
}

/** The proxy modes of stresslab's own Toxiproxy-compatible server that fault kinds need (docs/postgres-proxy.md, docs/http-proxy.md). */
export type ProxyProtocolNeed = 'postgres' | 'http';

/** One thing a fault would touch, for `stresslab run --dry-run` (plan/describe-touches.ts). */
export interface Touch {
  category: 'toxiproxy' | 'process' | 'database' | 'http' | 'command';
  text: string;
}

/**
 * Everything about one fault kind, in its own file under faults/kinds/: the parameters a scenario
 * writes (beside the timing fields every fault has), how they resolve, the default recovery anchor,
 * how it is described, what it touches, and its driver.
 */
export interface FaultKindDefinition<K extends string, S extends z.ZodRawShape, P extends object> {
  kind: K;
  /** Zod fields of the parameters, as a scenario writes them. */
  params: S;
  /** The validated parameters as the driver takes them (durations renamed to `…Ms`). */
  resolve(input: z.output<z.ZodObject<S>>): P;
  /** Parameters that are times, scaled with a profile's duration factor (default: none are). */
  scale(params: P, durationFactor: number): P;
  /** Where TTR counts from unless the scenario says otherwise (docs/recovery.md). */
  recoveryAnchor: RecoveryAnchor;
  /**
   * The protocol the kind's proxy must speak (its toxics act on PostgreSQL statements or HTTP
   * requests): the run creates that proxy in this mode, and refuses a Toxiproxy that has none.
   * Absent: a plain TCP proxy, or no proxy.
   */
  protocol?: ProxyProtocolNeed;
  /** One line for plans and reports, e.g. "+250 ms ±50 ms latency on proxy db (downstream)". */
  describe(params: P): string;
  /** What an injection does to the world, for the dry run. */
  touches(params: P): Touch[];
  create(event: FaultEventPlan<K, P>, ctx: FaultContext): FaultDriver;
}

/** A definition whose parameters are used as validated unless it resolves them itself. */
export function defineFaultKind<K extends string, S extends z.ZodRawShape, P extends object = z.output<z.ZodObject<S>>>(
  def: Omit<FaultKindDefinition<K, S, P>, 'resolve' | 'scale'> & Partial<Pick<FaultKindDefinition<K, S, P>, 'resolve' | 'scale'>>,
): FaultKindDefinition<K, S, P> {
  return {
    ...def,
    resolve: def.resolve ?? ((input) => input as unknown as P),
    scale: def.scale ?? ((params) => params),
  };
}
