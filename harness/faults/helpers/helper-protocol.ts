/**
 * The protocol of fault helper processes: config as JSON in argv[2], one `{"ready":true,…}` line on
 * stdout, stop on SIGTERM/SIGINT (running `cleanup` first, then an optional `{"report":…}` line), and exit by themselves after
 * `maxLifetimeMs` so a forgotten helper cannot hurt a machine for ever.
 */
export function helperConfig<T>(): T & { maxLifetimeMs?: number } {
  return JSON.parse(process.argv[2] ?? '{}') as T & { maxLifetimeMs?: number };
}

export function announceReady(info: Record<string, unknown> = {}): void {
  // The harness may be gone (SIGKILL): writing to a closed pipe must not kill the helper.
  process.stdout.on('error', () => undefined);
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, ...info })}\n`);
}

/**
 * `report`: what the helper did, written as one `{"report":{…}}` line when it stops (before it
 * exits), so the fault can record its own evidence (a hog's CPU time, the bytes it touched).
 */
export function runUntilStopped(
  maxLifetimeMs: number | undefined,
  cleanup: () => Promise<void> | void = () => undefined,
  report?: () => Record<string, unknown>,
): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    Promise.resolve()
      .then(cleanup)
      .catch(() => undefined)
      .then(() => {
        // Writes to a pipe are synchronous on Linux, so the line is out before the exit below.
        if (report !== undefined) process.stdout.write(`${JSON.stringify({ report: report() })}\n`);
      })
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', stop);
  const keepAlive = setInterval(() => undefined, 60_000);
  if (maxLifetimeMs !== undefined) setTimeout(stop, maxLifetimeMs).unref();
  void keepAlive;
}
