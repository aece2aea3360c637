import { defineFaultKind } from '../fault-kind.ts';
import { proxyDisabledTouch, proxyParam } from '../fault-params.ts';
import { proxyDownDriver } from '../toxic-fault.ts';

/** The proxy is disabled: open connections close and new ones are refused until removal. */
export const netPartition = defineFaultKind({
  kind: 'net-partition',
  params: { proxy: proxyParam('api') },
  recoveryAnchor: 'removal',
  describe: (p) => `partition: proxy ${p.proxy} disabled`,
  touches: (p) => [proxyDisabledTouch(p)],
  create: (event, ctx) => proxyDownDriver(event, ctx, event.params.proxy),
});
