import type { ToxicAttributes, ToxicKind, StageEnv, ToxicStage } from '../toxic-stage.ts';
import { bandwidthToxic } from './bandwidth.ts';
import { latencyToxic } from './latency.ts';
import { limitDataToxic } from './limit-data.ts';
import { noopToxic } from './noop.ts';
import { resetPeerToxic } from './reset-peer.ts';
import { slicerToxic } from './slicer.ts';
import { slowCloseToxic } from './slow-close.ts';
import { timeoutToxic } from './timeout.ts';

/** Toxiproxy 2.12.0's toxic types. "down" is not one: the API answers it with 400 invalid toxic type. */
export const toxicKinds = {
  latency: latencyToxic,
  bandwidth: bandwidthToxic,
  slow_close: slowCloseToxic,
  timeout: timeoutToxic,
  reset_peer: resetPeerToxic,
  slicer: slicerToxic,
  limit_data: limitDataToxic,
  noop: noopToxic,
} as const;

export type ToxicType = keyof typeof toxicKinds;

export function isToxicType(type: string): type is ToxicType {
  return Object.hasOwn(toxicKinds, type);
}

/** A kind seen through its generic face, for code that handles every type alike. */
export function toxicKind(type: ToxicType): ToxicKind {
  return toxicKinds[type] as unknown as ToxicKind;
}

export function createToxicStage(
  type: ToxicType,
  attributes: ToxicAttributes,
  env: StageEnv,
  previous: ToxicStage | undefined,
): ToxicStage {
  return toxicKind(type).createStage(attributes, env, previous);
}
