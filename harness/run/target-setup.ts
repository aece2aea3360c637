import { Toxiproxy } from 'toxiproxy-node-client';
import type { ICreateProxyBody } from 'toxiproxy-node-client';
import { PROTOCOLS_HEADER } from '../toxiproxy/api-routes.ts';
import type { ProxyProtocolNeed } from '../faults/index.ts';
import { startEmbeddedPostgres } from '../../process-kit/postgres/embedded-postgres.ts';
import { identify } from '../../process-kit/process-identity.ts';
import type { EmbeddedPostgresHandle } from '../../process-kit/postgres/embedded-postgres.ts';
import type { ProxyDeclaration } from '../faults/fault-kind.ts';
import { machineLedgerPath } from '../faults/ledger-store.ts';
import { RunProcessLedger } from '../faults/run-process-ledger.ts';
import { ManagedTarget } from './managed-target.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { ResolvedTargetStart } from '../scenario/schema-target.ts';
import { freePort } from './free-port.ts';
import { startCommandTarget } from './start-command-target.ts';
import { referenceServiceSpec } from './target-start-spec.ts';
import { startToxiproxyChild } from './toxiproxy-child.ts';
import type { ToxiproxyChild } from './toxiproxy-child.ts';
import { waitForHealthy } from './wait-for-healthy.ts';
import { observeStep } from './observe-step.ts';
import type { StepSink } from './observe-step.ts';

export interface ToxiproxyHandle {
  url: string;
  client: Toxiproxy;
  /** The embedded one (a child process of this run) rather than a real Toxiproxy. */
  embedded: boolean;
  /** stresslab's own server (embedded, or `stresslab toxiproxy` elsewhere): its toxics can carry a `ttl`, and it has the PostgreSQL mode. */
  own: boolean;
}

export interface TargetHandle {
  /** Base URL the load goes to (no trailing slash): through proxy `api` when faults need it. */
  baseUrl: string;
  /** The target itself, bypassing any proxy. */
  directUrl: string;
  embedded: boolean;
  /** The target process the harness started (embedded, or target.start); null for a URL or a reused service. */
  managed: ManagedTarget | null;
  /** A target.start: its command as written, and whether an already running service was used instead (reuseExisting). */
  start: { command: string; reused: boolean } | null;
  /** Admin URL straight to the embedded database (database faults connect to it). */
  databaseUrl: string | null;
  version: string | undefined;
  toxiproxy: ToxiproxyHandle | null;
  proxies: Record<string, ProxyDeclaration>;
  chaosToken: string | undefined;
  stop(): Promise<void>;
}

export interface TargetSetupOptions {
  /** `embedded` or a URL (from --target or the scenario; with `start`, it may hold {{port}}). */
  url: string;
  /** The scenario's target.start (none when --target names a URL): the command to start. */
  start?: ResolvedTargetStart | undefined;
  /** The scenario file (target.start.cwd is relative to its directory). */
  scenarioFile: string;
  /** Where a started target's stdout and stderr go (the run directory's target.log). */
  logFile: string;
  healthPath: string;
  /** Extra env for an embedded target (TARGET_WORK_FACTOR, WORKERS, …). */
  env: Record<string, string>;
  readyTimeoutMs: number;
  /** Put Toxiproxy in the path: `api` in front of the target, `db` in front of its database (embedded). */
  proxied: boolean;
  /** A real Toxiproxy (--toxiproxy or the scenario's toxiproxy.url); the embedded one otherwise. */
  toxiproxyUrl: string | null;
  /** Proxies the scenario declares, created on the Toxiproxy (replacing same-named ones). */
  declaredProxies: readonly ProxyDeclaration[];
  /** Proxies to create in a protocol mode (`"protocol": "postgres"` or `"http"`, docs/postgres-proxy.md, docs/http-proxy.md): the protocol faults act on them. */
  proxyProtocols?: Readonly<Record<string, ProxyProtocolNeed>>;
  chaosToken?: string;
  /** Something a person should know that does not stop the run (the machine ledger unwritable). */
  onWarning?: (message: string) => void;
  /** Each step as it begins and ends (starting PostgreSQL, the target, Toxiproxy; waiting for healthy). */
  onStep?: StepSink;
}

/**
 * Brings up what the load will hit, and what faults act on. Each started part is stopped again
 * (newest first) when a later one fails, and by `stop()`.
 */
export async function setUpTarget(opts: TargetSetupOptions): Promise<TargetHandle> {
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const s of stack.splice(0).reverse()) await s().catch(() => {});
  };
  // Every process started below is recorded (and marked) so that a SIGKILL of this harness leaves
  // nothing `faults cleanup` or the next run cannot stop; the entry is closed once all are stopped.
  const owned = new RunProcessLedger({ machineFile: machineLedgerPath(), ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) });
  stack.push(() => owned.close());
  try {
    const toxiproxy = opts.proxied ? await observeStep(opts.onStep, 'toxiproxy', () => connectToxiproxy(opts.toxiproxyUrl, stack, owned), opts.toxiproxyUrl ?? 'embedded') : null;
    const proxies: Record<string, ProxyDeclaration> = {};
    if (toxiproxy) for (const p of opts.declaredProxies) proxies[p.name] = await upsertProxy(toxiproxy.client, p, opts.proxyProtocols);
    const handle =
      opts.url === 'embedded' ? await embedded(opts, toxiproxy, proxies, stack, owned)
      : opts.start !== undefined ? await started(opts, opts.start, toxiproxy, proxies, stack, owned)
      : await remote(opts, toxiproxy, proxies);
    return { ...handle, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

type TargetParts = Omit<TargetHandle, 'stop'>;

async function remote(opts: TargetSetupOptions, toxiproxy: ToxiproxyHandle | null, proxies: Record<string, ProxyDeclaration>): Promise<TargetParts> {
  const baseUrl = opts.url.replace(/\/+$/, '');
  await observeStep(opts.onStep, 'healthy', () => waitForHealthy(`${baseUrl}${opts.healthPath}`, { timeoutMs: opts.readyTimeoutMs, timeoutSetting: 'target.readyTimeout' }), `${baseUrl}${opts.healthPath}`);
  return { baseUrl, directUrl: baseUrl, embedded: false, managed: null, start: null, databaseUrl: null, version: await targetVersion(baseUrl), toxiproxy, proxies, chaosToken: opts.chaosToken };
}

/** A scenario's target.start (start-command-target.ts), with proxy `api` in front of it when Toxiproxy is in the path and the scenario declares no `api` of its own. */
async function started(opts: TargetSetupOptions, start: ResolvedTargetStart, toxiproxy: ToxiproxyHandle | null, proxies: Record<string, ProxyDeclaration>, stack: Array<() => Promise<void>>, owned: RunProcessLedger): Promise<TargetParts> {
  const command = typeof start.command === 'string' ? start.command : start.command.join(' ');
  const s = await observeStep(opts.onStep, 'target', () => startCommandTarget({ start, url: opts.url, scenarioFile: opts.scenarioFile, logFile: opts.logFile, owned, stack }), command);
  const baseUrl = toxiproxy && !proxies.api ? await proxyApi(toxiproxy, proxies, s.url, start.health, opts.proxyProtocols, opts.onStep) : s.url;
  return { baseUrl, directUrl: s.url, embedded: false, managed: s.managed, start: { command, reused: s.reused }, databaseUrl: null, version: await targetVersion(s.url), toxiproxy, proxies, chaosToken: opts.chaosToken };
}

/** Proxy `api` in front of the target; the load goes through it. */
async function proxyApi(toxiproxy: ToxiproxyHandle, proxies: Record<string, ProxyDeclaration>, targetUrl: string, healthPath: string, protocols: Readonly<Record<string, ProxyProtocolNeed>> | undefined, onStep: StepSink): Promise<string> {
  proxies.api = await upsertProxy(toxiproxy.client, { name: 'api', listen: '127.0.0.1:0', upstream: new URL(targetUrl).host }, protocols);
  const baseUrl = `http://${proxies.api.listen}`;
  await observeStep(onStep, 'healthy', () => waitForHealthy(`${baseUrl}${healthPath}`, { timeoutMs: 10_000 }), `${baseUrl}${healthPath} (through proxy api)`);
  return baseUrl;
}

async function embedded(opts: TargetSetupOptions, toxiproxy: ToxiproxyHandle | null, proxies: Record<string, ProxyDeclaration>, stack: Array<() => Promise<void>>, owned: RunProcessLedger): Promise<TargetParts> {
  await owned.open();
  // A SIGKILL before this record is covered by the cluster directory's name (it names this harness).
  const db: EmbeddedPostgresHandle = await observeStep(opts.onStep, 'postgres', () => startEmbeddedPostgres());
  stack.push(() => db.stop());
  await owned.record({ kind: 'stop-postgres-cluster', ...db.postmaster, dir: db.dir });
  let targetDbUrl = db.url;
  if (toxiproxy) {
    proxies.db = await upsertProxy(toxiproxy.client, { name: 'db', listen: '127.0.0.1:0', upstream: `127.0.0.1:${db.port}` }, opts.proxyProtocols);
    const u = new URL(db.url);
    u.port = proxies.db.listen.split(':').pop() ?? u.port;
    targetDbUrl = u.toString();
  }
  // The reference service is a started target like any target.start, on a port picked for the run.
  const spec = referenceServiceSpec({
    env: { ...opts.env, DATABASE_URL: targetDbUrl, ...(opts.chaosToken ? { CHAOS_TOKEN: opts.chaosToken } : {}) },
    port: await freePort(),
    healthPath: opts.healthPath,
    startTimeoutMs: opts.readyTimeoutMs,
    marker: owned.marker,
  });
  const managed = new ManagedTarget({
    spec,
    logFile: opts.logFile,
    marker: owned.marker,
    // Restarts (process faults) too; the marker covers the moment between spawn and this record.
    onSpawn: (pid) => void owned.record({ kind: 'kill-process', ...identify(pid), label: 'embedded target (reference service)', group: true }),
  });
  stack.push(() => managed.stop());
  await observeStep(opts.onStep, 'target', () => managed.start(), `reference service on ${managed.url}`);
  const baseUrl = toxiproxy ? await proxyApi(toxiproxy, proxies, managed.url, opts.healthPath, opts.proxyProtocols, opts.onStep) : managed.url;
  return { baseUrl, directUrl: managed.url, embedded: true, managed, start: null, databaseUrl: db.url, version: await targetVersion(managed.url), toxiproxy, proxies, chaosToken: opts.chaosToken };
}

async function connectToxiproxy(url: string | null, stack: Array<() => Promise<void>>, owned: RunProcessLedger): Promise<ToxiproxyHandle> {
  if (url !== null) {
    const base = url.replace(/\/+$/, '');
    await waitForHealthy(`${base}/version`, { timeoutMs: 10_000 }).catch((e: unknown) => {
      throw new StresslabError('TOXIPROXY_UNREACHABLE', `Toxiproxy at ${base} does not answer`, {
        hint: 'check --toxiproxy (or the scenario\'s toxiproxy.url); leave both out to use the embedded one',
        cause: e,
      });
    });
    return { url: base, client: new Toxiproxy(base), embedded: false, own: await isOwnServer(base) };
  }
  await owned.open();
  const child: ToxiproxyChild = await startToxiproxyChild(undefined, owned.marker);
  stack.push(() => child.stop());
  await owned.record({ kind: 'kill-process', ...identify(child.pid), label: 'embedded Toxiproxy' });
  return { url: child.url, client: new Toxiproxy(child.url), embedded: true, own: true };
}

/** stresslab's server says so on GET /version (a header a real Toxiproxy does not send). */
async function isOwnServer(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/version`, { signal: AbortSignal.timeout(3_000) });
    await res.arrayBuffer();
    return res.headers.get(PROTOCOLS_HEADER) !== null;
  } catch {
    return false;
  }
}

/** Creates the proxy, replacing one of the same name (a leftover of an earlier run). */
async function upsertProxy(client: Toxiproxy, p: ProxyDeclaration, protocols: Readonly<Record<string, ProxyProtocolNeed>> = {}): Promise<ProxyDeclaration> {
  const all = await client.getAll();
  if (all[p.name]) await all[p.name]!.remove();
  // From its creation: connections opened through a plain proxy (a target's pool, keep-alive clients) would never be framed.
  const protocol = protocols[p.name];
  const mode = protocol === undefined ? {} : { protocol };
  const created = await client.createProxy({ name: p.name, listen: p.listen, upstream: p.upstream, ...mode } as ICreateProxyBody);
  return { name: created.name, listen: created.listen, upstream: created.upstream };
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
