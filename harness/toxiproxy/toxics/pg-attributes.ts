import { apiErrors } from '../api-error.ts';
import { statementMatcher } from '../postgres/pg-statement.ts';

/** Checks shared by the pg_* toxics; a failure is a 400 naming the attribute, like Go's decoder errors. */
export function validateMatch(match: string): void {
  try {
    statementMatcher(match);
  } catch (e) {
    throw apiErrors.badRequestBody(`invalid match ${JSON.stringify(match)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Five digits or capitals, not of class 00 (success), which PostgreSQL refuses to raise. */
export function validateSqlstate(sqlstate: string): void {
  if (!/^[0-9A-Z]{5}$/.test(sqlstate) || sqlstate.startsWith('00')) {
    throw apiErrors.badRequestBody(`invalid sqlstate ${JSON.stringify(sqlstate)}: five digits or capitals, not class 00`);
  }
}

export function validateCounts(attributes: { readonly count: number; readonly after: number }): void {
  if (attributes.count < 0 || attributes.after < 0) throw apiErrors.badRequestBody('count and after must not be negative');
}

/** PostgreSQL's own message texts for the SQLSTATEs these toxics are most used with. */
const knownMessages: Readonly<Record<string, string>> = {
  '40001': 'could not serialize access due to concurrent update',
  '40P01': 'deadlock detected',
  '53300': 'sorry, too many clients already',
  '57P03': 'the database system is starting up',
  '57014': 'canceling statement due to statement timeout',
};

/** The message to send: the toxic's own, else PostgreSQL's text for the code, else a generic one. */
export function messageFor(sqlstate: string, message: string): string {
  return message !== '' ? message : (knownMessages[sqlstate] ?? `injected error ${sqlstate} (stresslab pg toxic)`);
}
