import type { Rng } from '../core/seeded-rng.ts';

/**
 * How often each protocol toxic (pg_*, http_*) of a proxy has matched and fired, across all its connections, so that
 * `after` (skip the first matches) and `count` (fire at most this often) mean the same thing however
 * the client spreads its statements or requests over connections. Kept across updates of a toxic (like
 * limit_data's byte count), forgotten when it is removed.
 */
export class ProtocolFaultCounters {
  private readonly byToxic = new Map<string, { matches: number; fired: number }>();

  /** `onFired` is told each time a toxic fires (the proxy's stats count it). */
  constructor(private readonly onFired: (name: string) => void = () => {}) {}

  /**
   * One more match of toxic `name`: true when this one is to be faulted: the first `after` matches pass,
   * then each fires with probability `toxicity` until `count` have fired (0 = no limit).
   */
  fires(name: string, rule: { readonly after: number; readonly count: number; readonly toxicity: number }, random: Rng): boolean {
    let entry = this.byToxic.get(name);
    if (entry === undefined) {
      entry = { matches: 0, fired: 0 };
      this.byToxic.set(name, entry);
    }
    entry.matches++;
    if (entry.matches <= rule.after) return false;
    if (rule.count > 0 && entry.fired >= rule.count) return false;
    if (!(random() < rule.toxicity)) return false;
    entry.fired++;
    this.onFired(name);
    return true;
  }

  forget(name: string): void {
    this.byToxic.delete(name);
  }
}
