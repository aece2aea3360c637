import { z } from 'zod';
import { durationSchema } from '../core/duration.ts';
import { nameSchema } from '../core/scalar-schemas.ts';

/**
 * The fault catalogue as scenario entries: timing fields common to every fault plus each kind's
 * parameters. Only for validating scenarios; the drivers in harness/faults/<kind>.ts act on them.
 * Everything except the timing fields reaches the driver as `FaultEventPlan.params`.
 */

const timing = {
  name: nameSchema.optional().meta({ description: 'Fault name in plans and results (default: the kind); injections are NAME#1, NAME#2…' }),
  at: durationSchema.meta({ description: 'First injection, from the run start.' }),
  duration: durationSchema.meta({ description: 'How long each injection stays active before removal.' }),
  every: durationSchema.optional().meta({ description: 'Repeat: time between injection starts (must exceed duration).' }),
  times: z.number().int().min(1).max(1000).optional().meta({
    description: 'Number of injections (default 1, or as many as fit in the load window when every is set).',
  }),
};

/**
 * Whether time to recover counts from injection (faults the system should absorb) or removal (faults
 * it cannot fix). Left out, the kind's default applies: harness/analysis/recovery-anchor.ts is the one
 * table of defaults, so the schema carries none of its own.
 */
const anchor = () =>
  z.enum(['injection', 'removal']).optional().meta({ description: 'Where TTR counts from (default per kind: injection for process-kill, cpu-hog, memory-pressure, db-kill-backends, net-reset, net-slicer, net-flaky; removal otherwise).' });

const proxy = (fallback: string) =>
  z.string().min(1).default(fallback).meta({ description: `Toxiproxy proxy name (default "${fallback}"; "api" fronts the target, "db" its database).` });
const stream = z.enum(['upstream', 'downstream']).default('downstream').meta({ description: 'Toxic direction (Toxiproxy stream).' });
const ms = z.number().int().nonnegative();
const databaseUrlEnv = z.string().min(1).optional().meta({
  description: 'Environment variable holding a PostgreSQL admin URL (the embedded setup wires it itself).',
});

const net = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.strictObject({ kind: z.literal(kind), ...timing, proxy: proxy('api'), recoveryAnchor: anchor(), ...shape });
const db = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.strictObject({ kind: z.literal(kind), ...timing, recoveryAnchor: anchor(), ...shape });

export const TOXIC_TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;
export const LOCK_MODES = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'] as const;

export const faultSpecSchema = z.discriminatedUnion('kind', [
  net('net-latency', { latencyMs: ms, jitterMs: ms.default(0), stream }),
  net('net-jitter', { jitterMs: z.number().int().positive(), latencyMs: ms.default(0), stream }),
  net('net-bandwidth', { rateKBps: ms.meta({ description: 'Throughput cap in KB/s (Toxiproxy bandwidth rate).' }), stream }),
  net('net-timeout', { timeoutMs: ms.default(0).meta({ description: 'Close after this long; 0 = black hole until removed.' }), stream }),
  net('net-reset', { timeoutMs: ms.default(0).meta({ description: 'Reset connections after this long (reset_peer).' }), stream }),
  net('net-partition', {}),
  net('net-slicer', { averageSize: z.number().int().positive(), sizeVariation: ms.default(0), delayUs: ms.default(0), stream }),
  net('net-limit-data', { bytes: z.number().int().positive(), stream }),
  net('net-flaky', {
    toxic: z.enum(TOXIC_TYPES),
    attributes: z.record(z.string(), z.number()).default({}).meta({ description: 'The toxic\'s Toxiproxy attributes, e.g. {"latency": 500}.' }),
    toxicity: z.number().gt(0).lt(1).meta({ description: 'Share of connections affected, strictly between 0 and 1.' }),
    stream,
  }),
  net('db-latency', { proxy: proxy('db'), latencyMs: ms, jitterMs: ms.default(0), stream }),
  net('db-down', { proxy: proxy('db') }),
  net('db-timeout', { proxy: proxy('db'), timeoutMs: ms.default(0), stream }),
  db('db-pool-exhaustion', { connections: z.number().int().min(1).max(10_000).meta({ description: 'Connections to open and hold.' }), databaseUrlEnv }),
  db('db-lock', { table: z.string().min(1), mode: z.enum(LOCK_MODES).default('ACCESS EXCLUSIVE'), databaseUrlEnv }),
  db(
    'db-kill-backends',
    {
      applicationName: z.string().min(1).optional().meta({ description: 'Kill backends with this application_name (default: the managed target\'s).' }),
      user: z.string().min(1).optional(),
      interval: durationSchema.optional().meta({ description: 'Kill again every interval while active (default: once per injection).' }),
      databaseUrlEnv,
    },
  ),
  db('db-slow-statements', {
    delayMs: z.number().int().positive().meta({ description: 'Extra time each statement takes while active.' }),
    table: z.string().min(1).optional().meta({ description: 'Only statements touching this table (default: all).' }),
    databaseUrlEnv,
  }),
  db('memory-pressure', {
    where: z.enum(['host', 'target']).default('host').meta({ description: 'host: a child process allocates; target: its /chaos/memory endpoint.' }),
    mb: z.number().int().positive().max(1_048_576),
    rampSec: z.number().nonnegative().default(0),
  }),
  db('cpu-hog', {
    processes: z.number().int().min(1).max(256).default(1),
    dutyPercent: z.number().int().min(1).max(100).default(100),
  }),
  db('process-kill', {
    signal: z.enum(['SIGKILL', 'SIGTERM']).default('SIGKILL'),
    restartAfter: durationSchema.optional().meta({ description: 'Restart a managed target this long after the kill (default: at removal).' }),
    pid: z.number().int().positive().optional().meta({ description: 'Kill this pid instead of the managed target (never restarted).' }),
  }),
  db('process-pause', { pid: z.number().int().positive().optional().meta({ description: 'Pause this pid instead of the managed target.' }) }),
  db('exec', {
    inject: z.string().min(1).meta({ description: 'Shell command that injects the fault (docker, kubectl, Chaos Mesh…).' }),
    remove: z.string().min(1).meta({ description: 'Shell command that removes it; must be safe to run twice.' }),
    timeout: durationSchema.default('30s'),
  }),
]);

export type FaultSpec = z.output<typeof faultSpecSchema>;
export type FaultKind = FaultSpec['kind'];
export const FAULT_KINDS: readonly FaultKind[] = faultSpecSchema.options.map((o) => o.shape.kind.value);

/** Fields that place a fault on the clock; the rest of an entry is the driver's parameters. */
export const FAULT_TIMING_KEYS = ['kind', 'name', 'at', 'duration', 'every', 'times'] as const;

/** Kinds acting on a Toxiproxy proxy (their `proxy` must be declared or one of the embedded api/db). */
export function faultProxy(spec: FaultSpec): string | null {
  return 'proxy' in spec ? spec.proxy : null;
}
