import { startEmbeddedPostgres } from '../../target/index.ts';
import type { EmbeddedPostgresHandle } from '../../target/index.ts';
import { ManagedTarget } from './managed-target.ts';
import { waitForHealthy } from './wait-for-healthy.ts';

export interface TargetHandle {
  /** Base URL the load goes to (no trailing slash). */
  baseUrl: string;
  embedded: boolean;
  /** The target child process when the harness manages it (process faults, resource sampling). */
  managed: ManagedTarget | null;
  /** The embedded database's URL (db faults connect to it directly). */
  databaseUrl: string | null;
  /** Target's version from /healthz when it reports one (fingerprint). */
  version: string | undefined;
  stop(): Promise<void>;
}

export interface TargetSetupOptions {
  /** `embedded` or a URL (from --target or the scenario). */
  url: string;
  healthPath: string;
  /** Extra env for an embedded target (TARGET_WORK_FACTOR, WORKERS, …), taken from the harness's env. */
  env: Record<string, string>;
  readyTimeoutMs: number;
  onLog?: (line: string) => void;
}

/**
 * Brings up what the load will hit. `embedded`: a throw-away PostgreSQL owned by the harness and the
 * reference target as a child process (the database outlives target restarts, so process faults lose
 * no accepted work). A URL: only checked for readiness (exit 4 when it never gets ready).
 */
export async function setUpTarget(opts: TargetSetupOptions): Promise<TargetHandle> {
  if (opts.url !== 'embedded') {
    const baseUrl = opts.url.replace(/\/+$/, '');
    await waitForHealthy(`${baseUrl}${opts.healthPath}`, { timeoutMs: opts.readyTimeoutMs });
    return { baseUrl, embedded: false, managed: null, databaseUrl: null, version: await targetVersion(baseUrl), stop: async () => {} };
  }
  let db: EmbeddedPostgresHandle | null = null;
  let managed: ManagedTarget | null = null;
  try {
    db = await startEmbeddedPostgres();
    managed = new ManagedTarget({
      env: { ...opts.env, DATABASE_URL: db.url },
      healthPath: opts.healthPath,
      startTimeoutMs: opts.readyTimeoutMs,
      ...(opts.onLog ? { onLog: opts.onLog } : {}),
    });
    await managed.start();
  } catch (e) {
    await managed?.stop(2_000);
    await db?.stop();
    throw e;
  }
  const m = managed;
  const d = db;
  return {
    baseUrl: m.url,
    embedded: true,
    managed: m,
    databaseUrl: d.url,
    version: await targetVersion(m.url),
    stop: async () => {
      await m.stop();
      await d.stop();
    },
  };
}

async function targetVersion(baseUrl: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { version?: unknown };
    return typeof body.version === 'string' ? body.version : undefined;
  } catch {
    return undefined;
  }
}
