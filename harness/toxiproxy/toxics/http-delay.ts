import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';
import { countFields, matchFields, validateMatch, validateNonNegative } from './http-attributes.ts';
import type { HttpMatchAttributes } from './http-attributes.ts';

export interface HttpDelayAttributes extends HttpMatchAttributes {
  /** ms the response head is held before it reaches the client (the request is forwarded at once). */
  readonly latency: number;
  /** Bytes per second for the response body (0 = full speed). */
  readonly trickle: number;
}

/** Delays the response to a matching request, and/or trickles its body. Needs `"protocol": "http"`. */
export const httpDelayToxic: ToxicKind<HttpDelayAttributes> = {
  goStruct: 'HttpDelayToxic',
  protocol: 'http',
  fields: [...matchFields, ['latency', 'int64'], ['trickle', 'int64'], ...countFields],
  validate: (attrs) => {
    validateMatch(attrs);
    validateNonNegative({ latency: attrs.latency, trickle: attrs.trickle });
  },
  createStage: () => passThroughStage,
};
