import type { ToxicKind } from '../toxic-stage.ts';

export interface ResetPeerAttributes {
  /** ms between the first chunk (or EOF) and the reset; 0 = at once. */
  readonly timeout: number;
}

/**
 * Drops the first chunk (or EOF) in its direction, waits `timeout`, then resets both sockets (RST).
 * Deviation from Go, on purpose: the RST happens whenever this toxic fires, also on connections opened
 * before it was added, and never when its toxicity roll says it does not apply (Go issue #603).
 */
export const resetPeerToxic: ToxicKind<ResetPeerAttributes> = {
  goStruct: 'ResetToxic',
  fields: [['timeout', 'int64']],
  createStage: (attrs, env) => {
    let fired = false;
    const fire = async () => {
      if (fired) return;
      fired = true;
      await env.sleep(attrs.timeout);
      env.resetLink();
    };
    return { onChunk: fire, onEnd: fire };
  },
};
