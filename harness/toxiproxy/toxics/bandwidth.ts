import type { ToxicKind } from '../toxic-stage.ts';

export interface BandwidthAttributes {
  /** KB/s, with KB = 1000 bytes. */
  readonly rate: number;
}

const sliceIntervalMs = 100;

/**
 * Each chunk of n bytes adds n/rate ms to a sleep budget; timer error is carried into the next chunk so the
 * long-run rate is accurate. A rate ≤ 0 stalls the link until the toxic is removed (Go stalls at 0 and
 * panics below; a stall is what users who rely on rate 0 as a "cut" expect). The stall holds one chunk;
 * the link's bounded queue then pauses the source.
 */
export const bandwidthToxic: ToxicKind<BandwidthAttributes> = {
  goStruct: 'BandwidthToxic',
  fields: [['rate', 'int64']],
  createStage: (attrs, env) => {
    let budgetMs = 0;
    return {
      async onChunk(chunk, forward) {
        if (attrs.rate <= 0) {
          await env.sleep(Number.POSITIVE_INFINITY);
          return forward(chunk);
        }
        let data = chunk.data;
        budgetMs += data.length / attrs.rate;
        const sliceBytes = attrs.rate * sliceIntervalMs;
        while (data.length > sliceBytes) {
          if (await env.sleep(sliceIntervalMs)) return forward({ ...chunk, data });
          await forward({ ...chunk, data: data.subarray(0, sliceBytes) });
          data = data.subarray(sliceBytes);
          budgetMs -= sliceIntervalMs;
        }
        const startMs = env.nowMs();
        await env.sleep(budgetMs);
        budgetMs -= env.nowMs() - startMs;
        await forward({ ...chunk, data });
      },
    };
  },
};
