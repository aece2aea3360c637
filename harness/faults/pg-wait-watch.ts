import type pg from 'pg';

/** What a watch saw: statements of other sessions caught waiting, each counted once. */
export interface PgWaits {
  statementsWaiting: number;
  maxWaiting: number;
  samples: number;
}

/**
 * `lock`: sessions blocked by a session named `holderApplicationName` (pg_blocking_pids), i.e.
 * queued behind the fault's lock. `sleep`: client sessions in pg_sleep (wait event PgSleep), i.e.
 * statements held by the fault's trigger; the fault's own sessions are left out either way.
 */
export type PgWaitKind = 'lock' | 'sleep';

const queries: Record<PgWaitKind, string> = {
  lock: `SELECT a.pid, a.query_start::text AS started FROM pg_stat_activity a
          WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid() AND a.application_name <> $1
            AND a.wait_event_type = 'Lock'
            AND EXISTS (SELECT 1 FROM pg_stat_activity h WHERE h.pid = ANY (pg_blocking_pids(a.pid)) AND h.application_name = $1)`,
  sleep: `SELECT a.pid, a.query_start::text AS started FROM pg_stat_activity a
           WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid() AND a.application_name <> $1
             AND a.wait_event = 'PgSleep'`,
};

/**
 * Samples pg_stat_activity while a database fault is held, so the fault can say whether anything
 * waited on it (docs/fault-effect.md). Four samples a second on one connection of its own: a
 * statement held for the fault's 250 ms or more is seen; a shorter wait may be missed, which is why
 * seeing none is not proof of no effect (the traffic then decides). Errors never fail the fault: a
 * watch that cannot connect reports nothing (null).
 */
export class PgWaitWatch {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> = Promise.resolve();
  private readonly seen = new Set<string>();
  private maxWaiting = 0;
  private samples = 0;

  constructor(
    private readonly url: string,
    private readonly kind: PgWaitKind,
    private readonly ownApplicationName: string,
    private readonly intervalMs = 250,
  ) {}

  async start(): Promise<void> {
    const { default: driver } = await import('pg');
    const c = new driver.Client({ connectionString: this.url, application_name: 'stresslab-harness', connectionTimeoutMillis: 5_000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
    } catch {
      return;
    }
    this.client = c;
    this.timer = setInterval(() => {
      // One sample at a time: a slow server skips ticks rather than piling queries up.
      this.sampling = this.sampling.then(() => this.sample());
    }, this.intervalMs);
  }

  /** Takes a last sample, stops, and returns what was seen; null when the watch never connected. */
  async stop(): Promise<PgWaits | null> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    const c = this.client;
    if (c === null) return null;
    await this.sampling;
    await this.sample();
    this.client = null;
    await c.end().catch(() => undefined);
    return { statementsWaiting: this.seen.size, maxWaiting: this.maxWaiting, samples: this.samples };
  }

  private async sample(): Promise<void> {
    const c = this.client;
    if (c === null) return;
    try {
      const r = await c.query<{ pid: number; started: string | null }>(queries[this.kind], [this.ownApplicationName]);
      this.samples++;
      this.maxWaiting = Math.max(this.maxWaiting, r.rows.length);
      for (const row of r.rows) this.seen.add(`${row.pid}@${row.started ?? ''}`);
    } catch {
      // A missed sample is a gap in the evidence, not a failure of the fault.
    }
  }
}
