import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { countParam, httpMatchParams, httpMatchText, httpToxicTouch, proxyParam, rateParam } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * Matching requests reach the service, which does the work, and the connection is reset in the
 * middle of the answer (`http_abort`): the client cannot tell whether its request took effect.
 */
export const httpAbort = defineFaultKind({
  kind: 'http-abort',
  params: {
    proxy: proxyParam('api'),
    afterBytes: z.number().int().nonnegative().default(0).meta({ description: 'Bytes of the response body passed on before the reset (the head always is; default 0).' }),
    ...httpMatchParams,
    rate: rateParam,
    count: countParam,
  },
  recoveryAnchor: 'removal',
  protocol: 'http',
  describe: (p) => `connection reset mid-response after ${p.afterBytes} body bytes for ${httpMatchText(p)}${p.count === undefined ? '' : ` (the first ${p.count})`} (proxy ${p.proxy})`,
  touches: (p) => [httpToxicTouch(p, 'http_abort', `bytes=${p.afterBytes} method=${p.method || 'any'} path=${JSON.stringify(p.path)} toxicity=${p.rate}${p.count === undefined ? '' : ` count=${p.count}`}`)],
  create: (event, ctx) => {
    const p = event.params;
    return toxicDriver(event, ctx, {
      proxy: p.proxy, type: 'http_abort', stream: 'upstream', toxicity: p.rate,
      attributes: { bytes: p.afterBytes, method: p.method, path: p.path, header: '', count: p.count ?? 0, after: 0 },
    });
  },
});
