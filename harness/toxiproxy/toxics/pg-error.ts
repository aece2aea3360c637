import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';
import { validateCounts, validateMatch, validateSqlstate } from './pg-attributes.ts';

export interface PgErrorAttributes {
  /** `COMMIT`, or a regex on the statement text ('' = every statement but ROLLBACK). */
  readonly match: string;
  readonly sqlstate: string;
  /** '' = PostgreSQL's text for the SQLSTATE. */
  readonly message: string;
  /** Matches to fail at most (0 = every one). */
  readonly count: number;
  /** Matches to let through before failing any. */
  readonly after: number;
}

/**
 * Fails matching statements with an ErrorResponse (postgres/pg-session.ts does it; on a link this
 * toxic passes bytes through). Needs a proxy with `"protocol": "postgres"`.
 */
export const pgErrorToxic: ToxicKind<PgErrorAttributes> = {
  goStruct: 'PgErrorToxic',
  protocol: 'postgres',
  fields: [
    ['match', 'string'],
    ['sqlstate', 'string'],
    ['message', 'string'],
    ['count', 'int64'],
    ['after', 'int64'],
  ],
  defaults: { sqlstate: '40001' },
  validate: (attrs) => {
    validateMatch(attrs.match);
    validateSqlstate(attrs.sqlstate);
    validateCounts(attrs);
  },
  createStage: () => passThroughStage,
};
