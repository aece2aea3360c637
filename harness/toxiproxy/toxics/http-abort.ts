import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';
import { countFields, matchFields, validateMatch, validateNonNegative } from './http-attributes.ts';
import type { HttpMatchAttributes } from './http-attributes.ts';

export interface HttpAbortAttributes extends HttpMatchAttributes {
  /** Body bytes (as on the wire, chunk framing included) passed before the cut. */
  readonly bytes: number;
}

/**
 * Forwards a matching request, passes the response head and `bytes` of its body, then resets the client connection (RST).
 * Needs `"protocol": "http"`.
 */
export const httpAbortToxic: ToxicKind<HttpAbortAttributes> = {
  goStruct: 'HttpAbortToxic',
  protocol: 'http',
  fields: [...matchFields, ['bytes', 'int64'], ...countFields],
  validate: (attrs) => {
    validateMatch(attrs);
    validateNonNegative({ bytes: attrs.bytes });
  },
  createStage: () => passThroughStage,
};
