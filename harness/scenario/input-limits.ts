/**
 * Limits on what a scenario may ask for, each refused with exit 2 naming the file, the JSON path
 * and the limit (README, Scenarios → Input rules and limits). They sit far above any real scenario
 * and far below what would exhaust the harness: past them a scenario is a typo (`every: "2s"` meant
 * "2m"), a generated file gone wrong, or an attempt to crash the loader.
 */
export const INPUT_LIMITS = {
  /**
   * Fault injections per scenario (all faults, after `every`/`times` expansion). Each one is a plan
   * event, a ledger record, two timeline events and a row of result.json and the reports; the 24 h
   * endurance preset with a fault every 10 s needs 8,640. Computed before anything is expanded, so
   * `every: "2s"` over 100 h (180,000) costs nothing to refuse.
   */
  maxFaultInjections: 10_000,
  /**
   * Nesting of a request body (objects and arrays, counted from the body itself). Real API payloads
   * stay under 10 levels; the template compiler, the k6 export and JSON.stringify walk bodies, and
   * YAML's parser overflows the stack at about 800 levels.
   */
  maxBodyDepth: 64,
  /** Nesting of a whole scenario document: the body's 64 levels, plus the levels around it, with room. */
  maxDocumentDepth: 100,
  /**
   * Entries of one list or object of a scenario (request bodies excepted: the schema does not look
   * inside them). Far above any real list of requests, phases, stages, faults or thresholds; the
   * schema validator (zod) collects the problems of a list with a call-argument spread, which
   * overflows the stack at about 120,000 problems.
   */
  maxEntries: 10_000,
  /**
   * Size of one request body: a `bodyFile`, or an inline `body` as compact JSON. Every worker keeps
   * each body in memory and sends it per request; 10 MiB is 100 times the largest preset body.
   */
  maxBodyBytes: 10 * 1024 * 1024,
  /** Size of a scenario file: read whole, parsed and hashed before anything else happens. */
  maxScenarioBytes: 10 * 1024 * 1024,
} as const;

/** `10485760` → `10 MiB` for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
