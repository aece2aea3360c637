import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** Data is cut into small packets, optionally delayed between them (Toxiproxy `slicer`). */
export const netSlicer: FaultKindModule<'net-slicer'> = {
  kind: 'net-slicer',
  describe: (p) => `sliced into ~${p.averageSize} B packets${p.delayUs ? `, ${p.delayUs} µs apart` : ''} on proxy ${p.proxy} (${p.stream})`,
  create(event, ctx) {
    const p = paramsOf(event, 'net-slicer');
    return toxicDriver(event, ctx, {
      proxy: p.proxy,
      type: 'slicer',
      stream: p.stream,
      attributes: { average_size: p.averageSize, size_variation: p.sizeVariation, delay: p.delayUs },
    });
  },
};
