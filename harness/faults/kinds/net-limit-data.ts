import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/** Each connection closes after `bytes` bytes (Toxiproxy `limit_data`): truncated responses. */
export const netLimitData = defineFaultKind({
  kind: 'net-limit-data',
  params: { proxy: proxyParam('api'), bytes: z.number().int().positive(), stream: streamParam },
  recoveryAnchor: 'removal',
  describe: (p) => `connections cut after ${p.bytes} B on proxy ${p.proxy} (${p.stream})`,
  touches: (p) => [toxicTouch(p, 'limit_data', `bytes=${p.bytes}`)],
  create: (event, ctx) => toxicDriver(event, ctx, { proxy: event.params.proxy, type: 'limit_data', stream: event.params.stream, attributes: { bytes: event.params.bytes } }),
});
