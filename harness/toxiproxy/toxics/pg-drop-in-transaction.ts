import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';
import { validateCounts } from './pg-attributes.ts';

export interface PgDropInTransactionAttributes {
  /**
   * The statement number: once `after` statements of an open transaction block have been answered
   * (BEGIN not counted), the client's next message is not forwarded and the connection is closed.
   * 0 cuts at the first statement after BEGIN.
   */
  readonly after: number;
  /** Connections to cut at most (0 = every transaction that gets that far). */
  readonly count: number;
}

/**
 * Loses the connection in the middle of a transaction: the client sees it close, the server sees its
 * client vanish and rolls the transaction back. Statements outside transaction blocks are untouched.
 */
export const pgDropInTransactionToxic: ToxicKind<PgDropInTransactionAttributes> = {
  goStruct: 'PgDropInTransactionToxic',
  protocol: 'postgres',
  fields: [
    ['after', 'int64'],
    ['count', 'int64'],
  ],
  validate: validateCounts,
  createStage: () => passThroughStage,
};
