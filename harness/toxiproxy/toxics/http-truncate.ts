import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';
import { countFields, matchFields, validateMatch, validateNonNegative } from './http-attributes.ts';
import type { HttpMatchAttributes } from './http-attributes.ts';

export interface HttpTruncateAttributes extends HttpMatchAttributes {
  /** Body bytes (as on the wire, chunk framing included) passed before the cut. */
  readonly bytes: number;
}

/**
 * Forwards a matching request, passes the response head and `bytes` of its body, then closes the client connection gracefully (FIN).
 * Needs `"protocol": "http"`.
 */
export const httpTruncateToxic: ToxicKind<HttpTruncateAttributes> = {
  goStruct: 'HttpTruncateToxic',
  protocol: 'http',
  fields: [...matchFields, ['bytes', 'int64'], ...countFields],
  validate: (attrs) => {
    validateMatch(attrs);
    validateNonNegative({ bytes: attrs.bytes });
  },
  createStage: () => passThroughStage,
};
