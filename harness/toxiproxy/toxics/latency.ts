import type { Rng } from '../../core/seeded-rng.ts';
import type { ToxicKind } from '../toxic-stage.ts';

export interface LatencyAttributes {
  readonly latency: number;
  readonly jitter: number;
}

/** Go's jitter: a uniform integer in [-jitter, jitter-1] ms. */
export function jitterOffsetMs(jitterMs: number, random: Rng): number {
  return jitterMs > 0 ? Math.floor(random() * 2 * jitterMs) - jitterMs : 0;
}

/**
 * Holds each chunk until its arrival time + delay, so a burst is delayed once rather than per chunk;
 * the chunk's timestamp moves by the delay so stacked latency toxics add up.
 */
export const latencyToxic: ToxicKind<LatencyAttributes> = {
  goStruct: 'LatencyToxic',
  fields: [
    ['latency', 'int64'],
    ['jitter', 'int64'],
  ],
  createStage: (attrs, env) => ({
    async onChunk(chunk, forward) {
      const delayMs = attrs.latency + jitterOffsetMs(attrs.jitter, env.random);
      const waitMs = chunk.receivedAtMs + delayMs - env.nowMs();
      if (waitMs > 0) await env.sleep(waitMs);
      await forward({ data: chunk.data, receivedAtMs: chunk.receivedAtMs + delayMs });
    },
  }),
};
