import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';
import { validateCounts, validateMatch } from './pg-attributes.ts';

export interface PgDropInTransactionAttributes {
  /**
   * The statement number: once `after` statements of an open transaction block have been answered
   * (BEGIN not counted), the client's next message is not forwarded and the connection is closed.
   * 0 cuts at the first statement after BEGIN.
   */
  readonly after: number;
  /** Connections to cut at most (0 = every transaction that gets that far). */
  readonly count: number;
  /** `COMMIT`, or a regex on the statement text at which to cut ('' = any statement). */
  readonly match: string;
  /**
   * Not 0: a matching statement outside a transaction block (autocommitted, its own transaction) is
   * cut too: it is sent to the server, which runs and commits it, and the connection is lost before
   * its answer reaches the client, who cannot tell whether it happened: the path to lost or doubled work.
   */
  readonly autocommit: number;
}

/**
 * Loses the connection in the middle of a transaction: the client sees it close, the server sees its
 * client vanish and rolls the transaction back. Statements outside transaction blocks are untouched
 * unless `autocommit` is set.
 */
export const pgDropInTransactionToxic: ToxicKind<PgDropInTransactionAttributes> = {
  goStruct: 'PgDropInTransactionToxic',
  protocol: 'postgres',
  fields: [
    ['after', 'int64'],
    ['count', 'int64'],
    ['match', 'string'],
    ['autocommit', 'int64'],
  ],
  validate: (attrs) => {
    validateCounts(attrs);
    validateMatch(attrs.match);
  },
  createStage: () => passThroughStage,
};
