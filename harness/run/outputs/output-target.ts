import type { MetricFamily } from '../../report/metric-family.ts';

/**
 * One `--output kind=destination`, parsed and checked at the edge. A discriminated union on
 * `kind`: the registry (index.ts) maps each kind to the file that parses and sends it.
 */
export type OutputTarget =
  | { kind: 'prometheus-rw'; url: string; /** The URL without credentials, for messages. */ shown: string; authorization: string | null }
  | { kind: 'openmetrics'; file: string };

export type OutputKindName = OutputTarget['kind'];

/** What sending one output did: a sentence for the CLI, or why it failed. */
export type OutputOutcome = { target: OutputTarget; ok: true; detail: string } | { target: OutputTarget; ok: false; error: string };

export interface OutputKind<K extends OutputKindName> {
  /** For --help and errors: `prometheus-rw=<url>`. */
  usage: string;
  example: string;
  /** Parses and checks a destination (exit 2 naming the flag and the fix); nothing is sent or written. */
  parse(destination: string, context: { flag: string; cwd: string }): Promise<Extract<OutputTarget, { kind: K }>>;
  /** Sends or writes the run's metrics; throws on failure (the caller turns it into a warning). */
  send(target: Extract<OutputTarget, { kind: K }>, families: readonly MetricFamily[], context: { userAgent: string }): Promise<string>;
}
