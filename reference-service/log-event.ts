/** Structured log line sink; the target writes JSON lines to stderr so stdout stays machine-readable. */
export type LogEvent = (event: string, fields?: Record<string, unknown>) => void;

export const stderrLog: LogEvent = (event, fields = {}) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
};

export const silentLog: LogEvent = () => {};

/** At most one line per `intervalMs` per event name: an outage must not flood the log. */
export function throttledLog(log: LogEvent, intervalMs: number): LogEvent {
  const last = new Map<string, number>();
  return (event, fields) => {
    const now = Date.now();
    if (now - (last.get(event) ?? 0) < intervalMs) return;
    last.set(event, now);
    log(event, fields);
  };
}
