import type { Rng } from '../../core/seeded-rng.ts';
import type { ToxicKind } from '../toxic-stage.ts';

export interface SlicerAttributes {
  readonly average_size: number;
  readonly size_variation: number;
  /** µs of pause after each piece. */
  readonly delay: number;
}

/**
 * Go's split: a segment is final once its length ≤ average + variation, otherwise it is cut near its middle,
 * shifted by a uniform integer in [-variation, variation-1]. Returns the cut offsets including 0 and length.
 * Sizes are clamped (average ≥ 1, 0 ≤ variation ≤ average) where Go would recurse forever or panic.
 */
export function slicePoints(length: number, averageSize: number, sizeVariation: number, random: Rng): number[] {
  const average = Math.max(1, averageSize);
  const variation = Math.min(Math.max(0, sizeVariation), average);
  const points = [0];
  const split = (start: number, end: number): void => {
    if (end - start <= average + variation) {
      points.push(end);
      return;
    }
    let mid = start + Math.floor((end - start) / 2);
    if (variation > 0) mid += Math.floor(random() * 2 * variation) - variation;
    split(start, mid);
    split(mid, end);
  };
  if (length > 0) split(0, length);
  return points;
}

export const slicerToxic: ToxicKind<SlicerAttributes> = {
  goStruct: 'SlicerToxic',
  fields: [
    ['average_size', 'int'],
    ['size_variation', 'int'],
    ['delay', 'int'],
  ],
  createStage: (attrs, env) => ({
    async onChunk(chunk, forward) {
      const points = slicePoints(chunk.data.length, attrs.average_size, attrs.size_variation, env.random);
      for (let i = 1; i < points.length; i++) {
        await forward({ ...chunk, data: chunk.data.subarray(points[i - 1], points[i]) });
        if (await env.sleep(attrs.delay / 1000)) {
          const rest = chunk.data.subarray(points[i]);
          if (rest.length > 0) await forward({ ...chunk, data: rest });
          return;
        }
      }
    },
  }),
};
