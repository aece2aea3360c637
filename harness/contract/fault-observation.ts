import * as z from 'zod';

/**
 * What a fault driver itself saw of its effect while it was active (docs/fault-effect.md): the
 * evidence only the fault side can gather (a proxy's counters, pg_terminate_backend's answers, the
 * waits it saw in pg_stat_activity, a hog's own CPU and memory, the pids of a killed and restarted
 * target). Kept in record.json with the fault's record, so the effect can be judged again from the
 * run record; the traffic side of the evidence comes from the timeline. A count is null when it
 * could not be read.
 */

const count = z.number().int().nonnegative();

/** A proxy's counters over the fault's window (the embedded Toxiproxy's /stats; a real one has none). */
export const proxyWindowCountersSchema = z.object({
  /** New client connections the proxy accepted. */
  connectionsAccepted: count,
  /** Bytes the proxy carried, client → upstream and upstream → client. */
  bytesUpstream: count,
  bytesDownstream: count,
  /** Toxic: connections whose data went through the toxic (its toxicity roll applied). Disabled proxy: live connections the disable dropped. */
  affectedConnections: count,
  /** Toxic: bytes that entered it. Disabled proxy: 0 (refused connects never reach a proxy that does not listen). */
  affectedBytes: count,
  /** A protocol toxic (pg_error, http_status, …): the times it acted (statements or requests failed, delayed or cut, sessions refused). Absent for Toxiproxy's own toxics. */
  fired: count.optional(),
});
export type ProxyWindowCounters = z.infer<typeof proxyWindowCountersSchema>;

export const proxyObservationSchema = z.object({
  source: z.literal('proxy'),
  proxy: z.string(),
  mode: z.enum(['toxic', 'disabled']),
  /** Null: the Toxiproxy keeps no counters (a real one), or they could not be read (`note` says why). */
  counters: proxyWindowCountersSchema.nullable(),
  note: z.string().nullable(),
});

export const processObservationSchema = z.object({
  source: z.literal('process'),
  action: z.enum(['kill', 'pause']),
  pid: z.number().int().nullable(),
  /** kill of the managed target: its pid after the restart (null: not restarted, or not managed). */
  restartedPid: z.number().int().nullable(),
  /** kill: the process was gone before the fault's removal (null: unknown). */
  exited: z.boolean().nullable(),
  /** pause: the kernel reported the process stopped (state T) after SIGSTOP (null: no /proc). */
  stopped: z.boolean().nullable(),
});

export const databaseObservationSchema = z.object({
  source: z.literal('database'),
  action: z.enum(['kill-backends', 'lock', 'connections', 'slow-statements']),
  /** kill-backends: sessions pg_terminate_backend ended, over every round. */
  backendsTerminated: count.nullable(),
  /** connections: sessions the holder held open. */
  connectionsHeld: count.nullable(),
  /** lock, slow-statements: other sessions' statements seen waiting (on the lock, in the trigger's pg_sleep), each counted once. */
  statementsWaiting: count.nullable(),
  /** The most of them seen waiting at once. */
  maxWaiting: count.nullable(),
  /** pg_stat_activity samples taken while the fault was held. */
  samples: count,
});

export const hogObservationSchema = z.object({
  source: z.literal('hog'),
  resource: z.enum(['cpu', 'memory']),
  where: z.enum(['host', 'target']),
  /** Hog processes that ran (0 for the target's own ballast). */
  processes: count,
  /** cpu: CPU time the hogs used, seconds. */
  cpuSeconds: z.number().nonnegative().nullable(),
  /** memory: bytes allocated and written (host), or accepted as ballast by the target. */
  bytesTouched: count.nullable(),
});

export const faultObservationSchema = z.discriminatedUnion('source', [proxyObservationSchema, processObservationSchema, databaseObservationSchema, hogObservationSchema]);
export type FaultObservation = z.infer<typeof faultObservationSchema>;
export type ProxyObservation = z.infer<typeof proxyObservationSchema>;
export type ProcessObservation = z.infer<typeof processObservationSchema>;
export type DatabaseObservation = z.infer<typeof databaseObservationSchema>;
export type HogObservation = z.infer<typeof hogObservationSchema>;
