import { apiErrors } from '../api-error.ts';
import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';
import { validateCounts, validateSqlstate } from './pg-attributes.ts';

export interface PgRejectConnectAttributes {
  /** 53300 too_many_connections (default) or 57P03 cannot_connect_now, or any class 08/53/57 code. */
  readonly sqlstate: string;
  readonly message: string;
  /** New sessions to refuse at most (0 = every one). */
  readonly count: number;
  /** New sessions to let through before refusing any. */
  readonly after: number;
}

/**
 * Refuses new sessions: the StartupMessage is answered with a FATAL ErrorResponse, as PostgreSQL does
 * when it is full or starting, and the connection is closed; the server never sees the session.
 * Sessions already open are not touched.
 */
export const pgRejectConnectToxic: ToxicKind<PgRejectConnectAttributes> = {
  goStruct: 'PgRejectConnectToxic',
  protocol: 'postgres',
  fields: [
    ['sqlstate', 'string'],
    ['message', 'string'],
    ['count', 'int64'],
    ['after', 'int64'],
  ],
  defaults: { sqlstate: '53300' },
  validate: (attrs) => {
    validateSqlstate(attrs.sqlstate);
    if (!/^(08|53|57|28)/.test(attrs.sqlstate)) {
      throw apiErrors.badRequestBody(`sqlstate ${attrs.sqlstate} is not a connection error (class 08, 28, 53 or 57)`);
    }
    validateCounts(attrs);
  },
  createStage: () => passThroughStage,
};
