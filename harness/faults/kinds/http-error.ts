import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { countParam, httpMatchParams, httpMatchText, httpToxicTouch, proxyParam, rateParam } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * A dependency answers matching requests itself with an error status (`http_status` on a proxy in
 * HTTP mode): 503 with Retry-After to one call in five, or the first N calls failing and then
 * recovering (`count`). The request never reaches the service.
 */
export const httpError = defineFaultKind({
  kind: 'http-error',
  params: {
    proxy: proxyParam('api'),
    status: z.number().int().min(100).max(599).default(503).meta({ description: 'The status the proxy answers with (default 503).' }),
    body: z.string().default('').meta({ description: 'The answer\'s body (default empty).' }),
    retryAfter: z.number().int().nonnegative().optional().meta({ description: 'A Retry-After header, seconds (default none).' }),
    ...httpMatchParams,
    rate: rateParam,
    count: countParam,
  },
  recoveryAnchor: 'removal',
  protocol: 'http',
  describe: (p) => `HTTP ${p.status}${p.retryAfter === undefined ? '' : ` (Retry-After ${p.retryAfter})`} for ${httpMatchText(p)}${p.count === undefined ? '' : ` (the first ${p.count})`} (proxy ${p.proxy})`,
  touches: (p) => [httpToxicTouch(p, 'http_status', `status=${p.status} method=${p.method || 'any'} path=${JSON.stringify(p.path)} toxicity=${p.rate}${p.count === undefined ? '' : ` count=${p.count}`}`)],
  create: (event, ctx) => {
    const p = event.params;
    return toxicDriver(event, ctx, {
      proxy: p.proxy, type: 'http_status', stream: 'upstream', toxicity: p.rate,
      attributes: { status: p.status, body: p.body, headers: p.retryAfter === undefined ? '' : `Retry-After: ${p.retryAfter}`, method: p.method, path: p.path, header: '', count: p.count ?? 0, after: 0 },
    });
  },
});
