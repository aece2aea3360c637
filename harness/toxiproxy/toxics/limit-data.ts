import type { Chunk, Forward, StageEnv, ToxicKind, ToxicStage } from '../toxic-stage.ts';

export interface LimitDataAttributes {
  readonly bytes: number;
}

/** Counts bytes per link; the count survives updates of the toxic, as in Go. */
class LimitDataStage implements ToxicStage {
  bytesSent = 0;

  constructor(
    private readonly limitBytes: number,
    private readonly env: StageEnv,
  ) {}

  async onChunk(chunk: Chunk, forward: Forward): Promise<void> {
    const remaining = this.limitBytes - this.bytesSent;
    if (remaining > 0) {
      const data = chunk.data.length > remaining ? chunk.data.subarray(0, remaining) : chunk.data;
      this.bytesSent += data.length;
      await forward({ ...chunk, data });
    }
    if (this.bytesSent >= this.limitBytes) this.env.closeLink();
  }
}

/** Passes data until `bytes` have gone through, truncating the crossing chunk exactly, then closes. */
export const limitDataToxic: ToxicKind<LimitDataAttributes> = {
  goStruct: 'LimitDataToxic',
  fields: [['bytes', 'int64']],
  createStage: (attrs, env, previous) => {
    const stage = new LimitDataStage(attrs.bytes, env);
    if (previous instanceof LimitDataStage) stage.bytesSent = previous.bytesSent;
    return stage;
  },
};
