import type { LookupRecord } from '../../analysis/integrity.ts';
import { StresslabError } from '../../core/stresslab-error.ts';
import type { AuditSourceKind } from '../../scenario/schema-audit.ts';

/**
 * What the integrity audit reads each accepted id's state from (docs/integrity.md, section Sources):
 * one implementation per kind in this folder, made by create-audit-source.ts. The rounds and the
 * grace period (integrity-audit.ts) are the same for every kind.
 *
 * A source answers per id: a record, or null when the system does not know the id. What it could
 * not look up this time (a connection refused, a timeout, a 503) it leaves out of the answer with
 * `error` saying why: the next round asks again, and ids never answered by the end make the audit
 * an error. What asking again cannot fix (an answer its mapping cannot read, a 401, a SQL error, a
 * command that failed) it throws as a StresslabError: the audit ends at once with that reason.
 */
export interface AuditSource {
  readonly kind: AuditSourceKind;
  /** What it asks, as the scenario wrote it (templates unresolved): safe to print. */
  readonly label: string;
  lookup(ids: readonly string[], signal: AbortSignal): Promise<SourceAnswer>;
  /** Releases connections; safe to call twice, and when nothing was ever looked up. */
  close(): Promise<void>;
}

export interface SourceAnswer {
  /** id → its record, or null when unknown; ids absent were not looked up (see `error`). */
  answered: Map<string, LookupRecord | null>;
  /** Why some ids were left out (the last such reason), or null. */
  error: string | null;
}

const EXCERPT_CHARS = 300;

/** The start of a body for an error message, on one line. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_CHARS ? JSON.stringify(flat) : `${JSON.stringify(flat.slice(0, EXCERPT_CHARS))} (first ${EXCERPT_CHARS} of ${flat.length} characters)`;
}

/**
 * An answer the source's mapping cannot read: names the JSON path that did not match and shows the
 * start of what was answered, so the scenario's mapping can be fixed from the message alone.
 */
export function mappingError(label: string, path: string, problem: string, body: string): StresslabError {
  return new StresslabError('BAD_RESULT', `${label} answered something its mapping cannot read: ${path === '' ? 'the body' : path} ${problem}; it answered ${excerpt(body)}`, {
    problems: [{ path, message: problem }],
    hint: 'check audit.executions.source.response (the JSON paths of the records, id and state) against what the system answers',
  });
}

/** Something about the source itself that asking again will not fix (an HTTP 401, a failed command). */
export function sourceError(message: string, hint: string): StresslabError {
  return new StresslabError('BAD_RESULT', message, { hint });
}

/** The message of anything thrown by a driver (undici, pg, a spawn), with its code when it has one. */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}${typeof code === 'string' && !e.message.includes(code) ? ` (${code})` : ''}`;
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StresslabError('ABORTED', 'The integrity audit was interrupted.', { cause: signal.reason });
}
