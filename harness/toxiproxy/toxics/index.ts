import type { ToxicAttributes, ToxicKind, StageEnv, ToxicStage } from '../toxic-stage.ts';
import { bandwidthToxic } from './bandwidth.ts';
import { httpAbortToxic } from './http-abort.ts';
import { httpDelayToxic } from './http-delay.ts';
import { httpStatusToxic } from './http-status.ts';
import { httpTruncateToxic } from './http-truncate.ts';
import { latencyToxic } from './latency.ts';
import { limitDataToxic } from './limit-data.ts';
import { noopToxic } from './noop.ts';
import { pgDelayToxic } from './pg-delay.ts';
import { pgDropInTransactionToxic } from './pg-drop-in-transaction.ts';
import { pgErrorToxic } from './pg-error.ts';
import { pgRejectConnectToxic } from './pg-reject-connect.ts';
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

/**
 * Not in Toxiproxy: toxics that act on a protocol's messages, for proxies created with a `protocol`.
 * They are ordinary toxics on the API (type, attributes, stream, toxicity), so any Toxiproxy client
 * can create them; a real Toxiproxy answers their types with 400 invalid toxic type.
 */
export const protocolToxicKinds = {
  pg_error: pgErrorToxic,
  pg_reject_connect: pgRejectConnectToxic,
  pg_delay: pgDelayToxic,
  pg_drop_in_transaction: pgDropInTransactionToxic,
  http_status: httpStatusToxic,
  http_delay: httpDelayToxic,
  http_abort: httpAbortToxic,
  http_truncate: httpTruncateToxic,
} as const;

const allToxicKinds = { ...toxicKinds, ...protocolToxicKinds } as const;

export type ToxicType = keyof typeof allToxicKinds;
export type ProtocolToxicType = keyof typeof protocolToxicKinds;

export function isToxicType(type: string): type is ToxicType {
  return Object.hasOwn(allToxicKinds, type);
}

/** A kind seen through its generic face, for code that handles every type alike. */
export function toxicKind(type: ToxicType): ToxicKind {
  return allToxicKinds[type] as unknown as ToxicKind;
}

export function createToxicStage(
  type: ToxicType,
  attributes: ToxicAttributes,
  env: StageEnv,
  previous: ToxicStage | undefined,
): ToxicStage {
  return toxicKind(type).createStage(attributes, env, previous);
}
