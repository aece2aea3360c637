/** First wait before a VU reconnects after a request that got no answer. */
export const BACKOFF_FIRST_MS = 10;
/** Longest wait: a VU against a dead port tries about once a second. */
export const BACKOFF_MAX_MS = 1000;

/**
 * One closed-model VU's wait before it connects again: none while the target answers, then 10 ms
 * doubling to 1 s for each request in a row that got no answer (refused, reset, timed out), back
 * to none at the next answer. Without it a VU against a dead port reconnects the moment the
 * refusal arrives: measured ~9,000 attempts/s and a whole core of the harness for 10 VUs.
 */
export class ConnectBackoff {
  #failures = 0;

  /** A request ended without an answer. */
  failed(): void {
    // Past 2^7 · 10 ms the wait is capped anyway; stop counting so the number stays small.
    if (this.#failures < 16) this.#failures++;
  }

  /** A response arrived (any status: the target is there). */
  answered(): void {
    this.#failures = 0;
  }

  /** How long to wait before the next connection attempt; 0 while the target answers. */
  get delayMs(): number {
    return this.#failures === 0 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.#failures - 1));
  }
}
