import type { ToxicKind } from '../toxic-stage.ts';

export interface SlowCloseAttributes {
  /** ms the close is held after the source ends. */
  readonly delay: number;
}

export const slowCloseToxic: ToxicKind<SlowCloseAttributes> = {
  goStruct: 'SlowCloseToxic',
  fields: [['delay', 'int64']],
  createStage: (attrs, env) => ({
    onChunk: (chunk, forward) => forward(chunk),
    async onEnd() {
      await env.sleep(attrs.delay);
    },
  }),
};
