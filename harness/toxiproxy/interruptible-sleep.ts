/**
 * Waits `ms` (Infinity = forever) unless `signal` aborts first; resolves `true` when interrupted.
 * Toxics hold data in these waits; interrupting them flushes the data instead of dropping it.
 */
export function interruptibleSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  if (!(ms > 0)) return Promise.resolve(false);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    if (Number.isFinite(ms)) {
      // ceil: Node timers have 1 ms resolution and must never release data early.
      timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(false);
      }, Math.ceil(ms));
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
