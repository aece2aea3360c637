import { apiErrors } from './api-error.ts';
import { applyToxicUpdate, parseToxicCreate } from './toxic-definition.ts';
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
 */
export class ToxicCollection {
  private readonly chains: Record<Direction, ToxicDefinition[]> = { upstream: [], downstream: [] };

  constructor(private readonly listener: ToxicChangeListener) {}

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
    this.chains[toxic.direction].push(toxic);
    this.listener.added(toxic);
    return toxic;
  }

  update(name: string, body: unknown): ToxicDefinition {
    const current = this.get(name);
    const next = applyToxicUpdate(current, body);
    const chain = this.chains[current.direction];
    chain[chain.indexOf(current)] = next;
    this.listener.replaced(next);
    return next;
  }

  remove(name: string): void {
    const toxic = this.get(name);
    const chain = this.chains[toxic.direction];
    chain.splice(chain.indexOf(toxic), 1);
    this.listener.removed(toxic);
  }

  removeAll(): void {
    for (const toxic of this.list()) this.remove(toxic.name);
  }

  private find(name: string): ToxicDefinition | undefined {
    return this.list().find((t) => t.name === name);
  }
}
