import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { countParam, httpMatchParams, httpMatchText, httpToxicTouch, msParam, proxyParam, rateParam } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/**
 * Matching requests answered late (`http_delay`): the response head held `latencyMs`, or its body
 * trickled at `trickleBytesPerSec`. Unlike net-latency, only the requests that match are slow.
 */
export const httpDelay = defineFaultKind({
  kind: 'http-delay',
  params: {
    proxy: proxyParam('api'),
    latencyMs: msParam.default(0).meta({ description: 'How long the response head is held, ms.' }),
    trickleBytesPerSec: z.number().int().positive().optional().meta({ description: 'Send the response body at this rate instead (bytes per second).' }),
    ...httpMatchParams,
    rate: rateParam,
    count: countParam,
  },
  recoveryAnchor: 'removal',
  protocol: 'http',
  describe: (p) => `${p.trickleBytesPerSec === undefined ? `+${p.latencyMs} ms` : `+${p.latencyMs} ms, body at ${p.trickleBytesPerSec} B/s`} for ${httpMatchText(p)}${p.count === undefined ? '' : ` (the first ${p.count})`} (proxy ${p.proxy})`,
  touches: (p) => [httpToxicTouch(p, 'http_delay', `latency=${p.latencyMs}ms${p.trickleBytesPerSec === undefined ? '' : ` trickle=${p.trickleBytesPerSec}B/s`} method=${p.method || 'any'} path=${JSON.stringify(p.path)} toxicity=${p.rate}`)],
  create: (event, ctx) => {
    const p = event.params;
    return toxicDriver(event, ctx, {
      proxy: p.proxy, type: 'http_delay', stream: 'upstream', toxicity: p.rate,
      attributes: { latency: p.latencyMs, trickle: p.trickleBytesPerSec ?? 0, method: p.method, path: p.path, header: '', count: p.count ?? 0, after: 0 },
    });
  },
});
