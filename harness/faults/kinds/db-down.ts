import { defineFaultKind } from '../fault-kind.ts';
import { proxyDisabledTouch, proxyParam } from '../fault-params.ts';
import { proxyDownDriver } from '../toxic-fault.ts';

/** The database is unreachable: the `db` proxy is disabled, its connections closed; the target can only answer 503 until removal. */
export const dbDown = defineFaultKind({
  kind: 'db-down',
  params: { proxy: proxyParam('db') },
  recoveryAnchor: 'removal',
  describe: (p) => `database down (proxy ${p.proxy} disabled)`,
  touches: (p) => [proxyDisabledTouch(p)],
  create: (event, ctx) => proxyDownDriver(event, ctx, event.params.proxy),
});
