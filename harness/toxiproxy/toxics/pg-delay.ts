import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';
import { validateCounts, validateMatch } from './pg-attributes.ts';

export interface PgDelayAttributes {
  /** `COMMIT`, or a regex on the statement text ('' = every statement but ROLLBACK). */
  readonly match: string;
  /** ms a matching statement is held before it is sent to the server. */
  readonly latency: number;
  readonly count: number;
  readonly after: number;
}

/**
 * Holds a matching statement for `latency` ms before forwarding it, so it (and whatever the client
 * sent after it on that connection) completes that much later; other statements are not delayed.
 */
export const pgDelayToxic: ToxicKind<PgDelayAttributes> = {
  goStruct: 'PgDelayToxic',
  protocol: 'postgres',
  fields: [
    ['match', 'string'],
    ['latency', 'int64'],
    ['count', 'int64'],
    ['after', 'int64'],
  ],
  validate: (attrs) => {
    validateMatch(attrs.match);
    validateCounts(attrs);
  },
  createStage: () => passThroughStage,
};
