import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { toxicDriver } from './toxic-fault.ts';

/** Any toxic applied to a share of the connections only (toxicity < 1): intermittent failure. */
export const netFlaky: FaultKindModule<'net-flaky'> = {
  kind: 'net-flaky',
  describe: (p) => `${p.toxic} ${JSON.stringify(p.attributes)} on ${Math.round(p.toxicity * 100)}% of connections of proxy ${p.proxy} (${p.stream})`,
  create(event, ctx) {
    const p = paramsOf(event, 'net-flaky');
    return toxicDriver(event, ctx, { proxy: p.proxy, type: p.toxic, stream: p.stream, toxicity: p.toxicity, attributes: p.attributes });
  },
};
