import { defineFaultKind } from '../fault-kind.ts';
import { msParam, proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/** A black hole: nothing gets through; connections close after timeoutMs (never when 0). */
export const netTimeout = defineFaultKind({
  kind: 'net-timeout',
  params: { proxy: proxyParam('api'), timeoutMs: msParam.default(0).meta({ description: 'Close after this long; 0 = black hole until removed.' }), stream: streamParam },
  recoveryAnchor: 'removal',
  describe: (p) => `black hole on proxy ${p.proxy} (${p.stream})${p.timeoutMs ? `, closed after ${p.timeoutMs} ms` : ''}`,
  touches: (p) => [toxicTouch(p, 'timeout', `timeout=${p.timeoutMs}ms`)],
  create: (event, ctx) => toxicDriver(event, ctx, { proxy: event.params.proxy, type: 'timeout', stream: event.params.stream, attributes: { timeout: event.params.timeoutMs } }),
});
