import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { TOXIC_TYPES, proxyParam, streamParam, toxicTouch } from '../fault-params.ts';
import { toxicDriver } from '../toxic-fault.ts';

/** Any toxic applied to a share of the connections only (toxicity < 1): intermittent failure, survivable with retries. */
export const netFlaky = defineFaultKind({
  kind: 'net-flaky',
  params: {
    proxy: proxyParam('api'),
    toxic: z.enum(TOXIC_TYPES),
    attributes: z.record(z.string(), z.number()).default({}).meta({ description: 'The toxic\'s Toxiproxy attributes, e.g. {"latency": 500}.' }),
    toxicity: z.number().gt(0).lt(1).meta({ description: 'Share of connections affected, strictly between 0 and 1.' }),
    stream: streamParam,
  },
  recoveryAnchor: 'injection',
  describe: (p) => `${p.toxic} ${JSON.stringify(p.attributes)} on ${Math.round(p.toxicity * 100)}% of connections of proxy ${p.proxy} (${p.stream})`,
  touches: (p) => [toxicTouch(p, p.toxic, `attributes=${JSON.stringify(p.attributes)} toxicity=${p.toxicity}`)],
  create: (event, ctx) =>
    toxicDriver(event, ctx, { proxy: event.params.proxy, type: event.params.toxic, stream: event.params.stream, toxicity: event.params.toxicity, attributes: event.params.attributes }),
});
