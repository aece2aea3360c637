import type { Direction } from './toxic-definition.ts';

/** What one toxic has done since it was added: the connections whose data went through it, and the bytes. */
export interface ToxicCounter {
  /** Links (one direction of one connection) where the toxicity roll applied the toxic and data reached it. */
  connections: number;
  /** Bytes that entered the toxic on those links. */
  bytes: number;
  /**
   * Protocol toxics only (pg_*, http_*): the times it acted (a statement failed or delayed, a session refused,
   * a connection cut, a request answered or delayed). Their bytes only show that traffic passed; this shows the fault bit.
   */
  fired?: number;
}

/**
 * The wire shape of `GET /proxies/{proxy}/stats`, an extension of the embedded server: real
 * Toxiproxy keeps no such counters and answers that path 404, so a reader tells the two apart.
 * Snake case like Toxiproxy's own fields. Every counter only grows (over the proxy's life, across
 * disable, enable and /reset), so a reader takes differences between two reads.
 */
export interface ProxyStatsJson {
  name: string;
  enabled: boolean;
  /** Client connections the listener accepted. */
  connections_accepted: number;
  /** Connections open now. */
  connections_active: number;
  /** Live connections closed because the proxy was disabled (or deleted). */
  connections_dropped: number;
  /** Bytes read from clients (client → upstream) and from the upstream (upstream → client). */
  bytes_upstream: number;
  bytes_downstream: number;
  /** The proxy's current toxics by name. */
  toxics: Record<string, ToxicCounter>;
}

/**
 * A proxy's traffic counters (docs/fault-effect.md). Kept so that a fault can prove it touched
 * something: a toxic on a proxy nobody uses counts nothing, where traffic figures alone could only
 * say "no change". Counting is a few integer additions per chunk, off the toxic path.
 */
export class ProxyCounters {
  connectionsAccepted = 0;
  connectionsDropped = 0;
  readonly bytes: Record<Direction, number> = { upstream: 0, downstream: 0 };
  private readonly toxics = new Map<string, ToxicCounter>();

  /** A new toxic starts from zero (a toxic re-added under the same name is a new one). */
  toxicAdded(name: string, protocolToxic = false): void {
    this.toxics.set(name, protocolToxic ? { connections: 0, bytes: 0, fired: 0 } : { connections: 0, bytes: 0 });
  }

  toxicRemoved(name: string): void {
    this.toxics.delete(name);
  }

  /** The live counter of a toxic, or undefined when it is gone (a link still flushing it). */
  toxic(name: string): ToxicCounter | undefined {
    return this.toxics.get(name);
  }

  toJson(name: string, enabled: boolean, active: number): ProxyStatsJson {
    return {
      name,
      enabled,
      connections_accepted: this.connectionsAccepted,
      connections_active: active,
      connections_dropped: this.connectionsDropped,
      bytes_upstream: this.bytes.upstream,
      bytes_downstream: this.bytes.downstream,
      toxics: Object.fromEntries([...this.toxics].map(([n, c]) => [n, { ...c }])),
    };
  }
}
