import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { msParam, proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/** Latency that varies: latencyMs ± jitterMs, chosen per chunk (Toxiproxy `latency` with jitter). */
export const netJitter = defineFaultKind({
  kind: 'net-jitter',
  params: { proxy: proxyParam('api'), jitterMs: z.number().int().positive(), latencyMs: msParam.default(0), stream: streamParam },
  recoveryAnchor: 'removal',
  describe: (p) => `±${p.jitterMs} ms jitter around ${p.latencyMs} ms on proxy ${p.proxy} (${p.stream})`,
  touches: (p) => [toxicTouch(p, 'latency', `latency=${p.latencyMs}ms jitter=${p.jitterMs}ms`)],
  create: (event, ctx) =>
    toxicDriver(event, ctx, { proxy: event.params.proxy, type: 'latency', stream: event.params.stream, attributes: { latency: event.params.latencyMs, jitter: event.params.jitterMs } }),
});
