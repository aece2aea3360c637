import { apiErrors } from '../api-error.ts';
import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';
import { countFields, matchFields, parseHeaderLines, validateMatch } from './http-attributes.ts';
import type { HttpMatchAttributes } from './http-attributes.ts';

export interface HttpStatusAttributes extends HttpMatchAttributes {
  readonly status: number;
  readonly body: string;
  /** "Name: value" lines separated by \n (e.g. "Retry-After: 2"). */
  readonly headers: string;
}

/**
 * Answers a matching request itself (http/http-session.ts does it; on a link this toxic passes bytes
 * through): the request is not forwarded. Needs a proxy with `"protocol": "http"`.
 */
export const httpStatusToxic: ToxicKind<HttpStatusAttributes> = {
  goStruct: 'HttpStatusToxic',
  protocol: 'http',
  fields: [...matchFields, ['status', 'int'], ['body', 'string'], ['headers', 'string'], ...countFields],
  defaults: { status: 503 },
  validate: (attrs) => {
    validateMatch(attrs);
    if (!Number.isInteger(attrs.status) || attrs.status < 200 || attrs.status > 599) {
      throw apiErrors.badRequestBody(`invalid status ${attrs.status}: a final status, 200 to 599`);
    }
    parseHeaderLines(attrs.headers);
  },
  createStage: () => passThroughStage,
};
