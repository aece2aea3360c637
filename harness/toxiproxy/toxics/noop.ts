import { passThroughStage } from '../toxic-stage.ts';
import type { ToxicKind } from '../toxic-stage.ts';

/** Toxiproxy's registered `noop` type: passes data through (useful in tests). */
export const noopToxic: ToxicKind<Record<string, never>> = {
  goStruct: 'NoopToxic',
  fields: [],
  createStage: () => passThroughStage,
};
