import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { msParam, proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/** Data is cut into small packets, optionally delayed between them (Toxiproxy `slicer`); survivable, so TTR counts from injection. */
export const netSlicer = defineFaultKind({
  kind: 'net-slicer',
  params: { proxy: proxyParam('api'), averageSize: z.number().int().positive(), sizeVariation: msParam.default(0), delayUs: msParam.default(0), stream: streamParam },
  recoveryAnchor: 'injection',
  describe: (p) => `sliced into ~${p.averageSize} B packets${p.delayUs ? `, ${p.delayUs} µs apart` : ''} on proxy ${p.proxy} (${p.stream})`,
  touches: (p) => [toxicTouch(p, 'slicer', `average_size=${p.averageSize} size_variation=${p.sizeVariation} delay=${p.delayUs}µs`)],
  create: (event, ctx) =>
    toxicDriver(event, ctx, {
      proxy: event.params.proxy,
      type: 'slicer',
      stream: event.params.stream,
      attributes: { average_size: event.params.averageSize, size_variation: event.params.sizeVariation, delay: event.params.delayUs },
    }),
});
