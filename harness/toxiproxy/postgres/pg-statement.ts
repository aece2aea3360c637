import type { TransactionStatus } from './pg-messages.ts';

/**
 * What a pg_* toxic's `match` selects. `COMMIT` (the word, any case) selects the COMMIT (or END) of an
 * open transaction block; anything else is a case-insensitive regular expression on the statement
 * text; empty selects every statement. ROLLBACK is never selected: it is how a client gets out of an
 * injected failure, and it must keep working.
 */
export type StatementMatcher = (text: string, status: TransactionStatus) => boolean;

const commitPattern = /^\s*(?:COMMIT|END)(?:\s+(?:WORK|TRANSACTION))?\s*;?\s*$/i;
const rollbackPattern = /^\s*(?:ROLLBACK|ABORT)(?:\s+(?:WORK|TRANSACTION))?\s*;?\s*$/i;

export function isCommit(text: string): boolean {
  return commitPattern.test(text);
}

export function isRollback(text: string): boolean {
  return rollbackPattern.test(text);
}

export function isCommitMatch(match: string): boolean {
  return match.trim().toUpperCase() === 'COMMIT';
}

/** Throws the SyntaxError of a bad regular expression (toxics validate `match` with it). */
export function statementMatcher(match: string): StatementMatcher {
  if (isCommitMatch(match)) return (text, status) => status === 'T' && isCommit(text);
  const pattern = match === '' ? undefined : new RegExp(match, 'i');
  return (text) => !isRollback(text) && (pattern === undefined || pattern.test(text));
}
