import type { Acceptance } from '../analysis/integrity.ts';

/**
 * Every execution id the target accepted during the run, for the integrity audit after the load.
 * The request mix's own capture pool keeps only a window of ids for `{{captured …}}`; this store
 * keeps them all, with the idempotency key that produced each (when known), so the audit can tell
 * an idempotent replay (same key, same id) from two requests merged into one execution.
 *
 * Memory (V8, Node 20, measured with 1 M uuids): ≈ 85 bytes per id without a key, ≈ 140 bytes per
 * id with a uuid key; 10 M accepted executions ≈ 1.4 GB, so a run that long needs `--max-old-space-size`.
 * Ids seen with several keys cost one small array more, which only happens when something is wrong.
 */
export class AcceptedIdStore {
  /** id → key of its first acceptance (null: no key known). */
  readonly #first = new Map<string, string | null>();
  /** id → the further distinct keys (and one null per further keyless acceptance). */
  readonly #more = new Map<string, (string | null)[]>();
  #acceptances = 0;

  add(id: string, idempotencyKey: string | null = null): void {
    this.#acceptances++;
    // Strings built by concatenation (crypto.randomUUID, templates) are rope trees of ≈500 bytes;
    // charCodeAt flattens them in place, so the store keeps ≈40-byte flat strings.
    id.charCodeAt(0);
    idempotencyKey?.charCodeAt(0);
    if (!this.#first.has(id)) {
      this.#first.set(id, idempotencyKey);
      return;
    }
    // Same key again is an idempotent replay: one request, not two.
    if (idempotencyKey !== null && this.#first.get(id) === idempotencyKey) return;
    const more = this.#more.get(id) ?? [];
    if (idempotencyKey !== null && more.includes(idempotencyKey)) return;
    more.push(idempotencyKey);
    this.#more.set(id, more);
  }

  /** Distinct ids. */
  get size(): number {
    return this.#first.size;
  }

  /** Calls of `add`, replays included. */
  get acceptanceCount(): number {
    return this.#acceptances;
  }

  ids(): IterableIterator<string> {
    return this.#first.keys();
  }

  /** One entry per distinct request per id: the input of analysis/integrity.ts's auditIntegrity. */
  acceptances(): Acceptance[] {
    const out: Acceptance[] = [];
    for (const [id, key] of this.#first) {
      out.push({ id, idempotencyKey: key });
      for (const k of this.#more.get(id) ?? []) out.push({ id, idempotencyKey: k });
    }
    return out;
  }
}
