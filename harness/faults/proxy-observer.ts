import type { ProxyObservation } from '../contract/fault-observation.ts';

/** The part of the embedded server's `GET /proxies/{name}/stats` a fault reads (toxiproxy/proxy-counters.ts). */
interface ProxyStats {
  connections_accepted: number;
  connections_dropped: number;
  bytes_upstream: number;
  bytes_downstream: number;
  toxics: Record<string, { connections: number; bytes: number; fired?: number }>;
}

type Read = { stats: ProxyStats } | { stats: null; note: string };

/** A stats read must not hold up an injection or a rollback: the counters are evidence, not the fault. */
const readTimeoutMs = 2_000;

async function readStats(toxiproxyUrl: string, proxy: string): Promise<Read> {
  const url = `${toxiproxyUrl.replace(/\/$/, '')}/proxies/${encodeURIComponent(proxy)}/stats`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(readTimeoutMs) });
    const text = await res.text();
    // Real Toxiproxy has no such route: its 404 means "no counters here", not an error.
    if (res.status === 404) return { stats: null, note: 'this Toxiproxy keeps no traffic counters' };
    if (!res.ok) return { stats: null, note: `GET ${url} answered ${res.status}` };
    const body = JSON.parse(text) as Partial<ProxyStats>;
    if (typeof body.connections_accepted !== 'number' || typeof body.bytes_upstream !== 'number') return { stats: null, note: `GET ${url} answered an unknown shape` };
    return { stats: { connections_accepted: 0, connections_dropped: 0, bytes_upstream: 0, bytes_downstream: 0, toxics: {}, ...body } };
  } catch (e) {
    return { stats: null, note: `proxy counters unreadable: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const gain = (after: number, before: number): number => Math.max(0, after - before);

/**
 * Reads a proxy's counters when a fault starts and again just before it is undone, and turns the
 * difference into the fault's proxy observation. `toxic`: the fault's toxic, whose own counters
 * (connections it ran on, bytes into it) are read before it is removed; without one (a disabled
 * proxy) the affected connections are those the disable dropped.
 */
export class ProxyObserver {
  private before: Read | null = null;
  private result: ProxyObservation | null = null;

  constructor(
    private readonly toxiproxyUrl: string,
    private readonly proxy: string,
    private readonly toxic: string | null,
  ) {}

  async start(): Promise<void> {
    this.before = await readStats(this.toxiproxyUrl, this.proxy);
  }

  /** Call before the toxic is removed (its counters go with it) or the proxy re-enabled. */
  async finish(): Promise<void> {
    if (this.before === null || this.result !== null) return;
    const mode: ProxyObservation['mode'] = this.toxic === null ? 'disabled' : 'toxic';
    const base = { source: 'proxy' as const, proxy: this.proxy, mode };
    const before = this.before;
    if (before.stats === null) {
      this.result = { ...base, counters: null, note: before.note };
      return;
    }
    const after = await readStats(this.toxiproxyUrl, this.proxy);
    if (after.stats === null) {
      this.result = { ...base, counters: null, note: after.note };
      return;
    }
    const a = after.stats;
    const b = before.stats;
    const own = this.toxic === null ? null : (a.toxics[this.toxic] ?? null);
    if (this.toxic !== null && own === null) {
      this.result = { ...base, counters: null, note: `toxic ${this.toxic} was already gone when its counters were read` };
      return;
    }
    this.result = {
      ...base,
      counters: {
        connectionsAccepted: gain(a.connections_accepted, b.connections_accepted),
        bytesUpstream: gain(a.bytes_upstream, b.bytes_upstream),
        bytesDownstream: gain(a.bytes_downstream, b.bytes_downstream),
        affectedConnections: own === null ? gain(a.connections_dropped, b.connections_dropped) : own.connections,
        affectedBytes: own === null ? 0 : own.bytes,
        ...(own?.fired === undefined ? {} : { fired: own.fired }),
      },
      note: null,
    };
  }

  observation(): ProxyObservation | null {
    return this.result;
  }
}
