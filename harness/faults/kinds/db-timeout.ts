import { defineFaultKind } from '../fault-kind.ts';
import { msParam, proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/** The database stops answering (a `timeout` toxic on the `db` proxy): queries hang, not fail. */
export const dbTimeout = defineFaultKind({
  kind: 'db-timeout',
  params: { proxy: proxyParam('db'), timeoutMs: msParam.default(0), stream: streamParam },
  recoveryAnchor: 'removal',
  describe: (p) => `database black hole (proxy ${p.proxy}, ${p.stream})${p.timeoutMs ? `, connections closed after ${p.timeoutMs} ms` : ''}`,
  touches: (p) => [toxicTouch(p, 'timeout', `timeout=${p.timeoutMs}ms`)],
  create: (event, ctx) => toxicDriver(event, ctx, { proxy: event.params.proxy, type: 'timeout', stream: event.params.stream, attributes: { timeout: event.params.timeoutMs } }),
});
