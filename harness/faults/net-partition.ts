import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { proxyDownDriver } from './toxic-fault.ts';

/** The proxy is disabled: open connections close and new ones are refused until removal. */
export const netPartition: FaultKindModule<'net-partition'> = {
  kind: 'net-partition',
  describe: (p) => `partition: proxy ${p.proxy} disabled`,
  create(event, ctx) {
    return proxyDownDriver(event, ctx, paramsOf(event, 'net-partition').proxy);
  },
};
