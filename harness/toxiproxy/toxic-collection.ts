import { apiErrors } from './api-error.ts';
import { applyToxicUpdate, parseToxicCreate, readTtl } from './toxic-definition.ts';
import type { Direction, ToxicDefinition } from './toxic-definition.ts';

/** Told about every change so it can re-wire the live links of the proxy at once. */
export interface ToxicChangeListener {
  added(toxic: ToxicDefinition): void;
  replaced(toxic: ToxicDefinition): void;
  removed(toxic: ToxicDefinition): void;
}

/**
 * A proxy's toxics: one chain per direction, in insertion order; names unique across both chains.
 * Toxics are independent of the listener, so they persist across disable and enable.
 * A toxic with a `ttl` is removed by the collection itself when it runs out, so a fault ends on time
 * even when whoever added it is gone; the timers are unref'd and cleared with the proxy (dispose).
 */
export class ToxicCollection {
  private readonly chains: Record<Direction, ToxicDefinition[]> = { upstream: [], downstream: [] };
  private readonly expiries = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly listener: ToxicChangeListener,
    /** Throws an ApiError when this proxy cannot run the toxic (a PostgreSQL toxic on a TCP proxy). */
    private readonly accepts: (toxic: ToxicDefinition) => void = () => {},
  ) {}

  /** All toxics: the upstream chain, then the downstream chain (Toxiproxy's order). */
  list(): ToxicDefinition[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  chain(direction: Direction): readonly ToxicDefinition[] {
    return this.chains[direction];
  }

  get(name: string): ToxicDefinition {
    const toxic = this.find(name);
    if (toxic === undefined) throw apiErrors.toxicNotFound();
    return toxic;
  }

  add(body: unknown): ToxicDefinition {
    const toxic = parseToxicCreate(body, (name) => this.find(name) !== undefined);
    this.accepts(toxic);
    this.chains[toxic.direction].push(toxic);
    this.listener.added(toxic);
    this.armExpiry(toxic);
    return toxic;
  }

  update(name: string, body: unknown): ToxicDefinition {
    const current = this.get(name);
    const next = applyToxicUpdate(current, body);
    const chain = this.chains[current.direction];
    chain[chain.indexOf(current)] = next;
    this.listener.replaced(next);
    // An update that names a ttl restarts the countdown from now (0 cancels it); one that does not keeps it.
    if (readTtl(body) !== undefined) this.armExpiry(next);
    return next;
  }

  remove(name: string): void {
    const toxic = this.get(name);
    const chain = this.chains[toxic.direction];
    chain.splice(chain.indexOf(toxic), 1);
    this.clearExpiry(name);
    this.listener.removed(toxic);
  }

  /** The proxy is gone: no timer may fire for it any more. */
  dispose(): void {
    for (const name of [...this.expiries.keys()]) this.clearExpiry(name);
  }

  private armExpiry(toxic: ToxicDefinition): void {
    this.clearExpiry(toxic.name);
    if (toxic.ttlMs <= 0) return;
    const timer = setTimeout(() => {
      this.expiries.delete(toxic.name);
      if (this.find(toxic.name) !== undefined) this.remove(toxic.name);
    }, toxic.ttlMs);
    timer.unref();
    this.expiries.set(toxic.name, timer);
  }

  private clearExpiry(name: string): void {
    clearTimeout(this.expiries.get(name));
    this.expiries.delete(name);
  }

  removeAll(): void {
    for (const toxic of this.list()) this.remove(toxic.name);
  }

  private find(name: string): ToxicDefinition | undefined {
    return this.list().find((t) => t.name === name);
  }
}
