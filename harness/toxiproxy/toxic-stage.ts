import type { Rng } from '../core/seeded-rng.ts';

/** One read from a socket, stamped with when it arrived (latency counts from there). */
export interface Chunk {
  readonly data: Buffer;
  readonly receivedAtMs: number;
}

/** Hands a chunk to the rest of the chain; resolves once it has been written (or dropped further on). */
export type Forward = (chunk: Chunk) => Promise<void>;

/** Why a stage leaves its link: the toxic was removed, updated (replaced), or the connection closed. */
export type StopReason = 'removed' | 'replaced' | 'closed';

/** What a stage may do to its link; given to the stage when it is created on a link. */
export interface StageEnv {
  nowMs(): number;
  readonly random: Rng;
  /**
   * Waits `ms` (Infinity = until interrupted). Resolves `true` early when the stage is interrupted
   * (removed, updated, connection closed), so held data is flushed rather than dropped.
   */
  sleep(ms: number): Promise<boolean>;
  /** Ends the connection gracefully (FIN) after what was already forwarded is written. */
  closeLink(): void;
  /** Ends the connection with a TCP RST on both the client and the upstream socket. */
  resetLink(): void;
}

/**
 * One toxic running on one link (one direction of one connection). Chunks reach it one at a time,
 * in order; it forwards zero or more chunks and may wait in between.
 */
export interface ToxicStage {
  onChunk(chunk: Chunk, forward: Forward): Promise<void> | void;
  /** The source of this direction ended; the close propagates when this resolves. */
  onEnd?(): Promise<void> | void;
  stop?(reason: StopReason): void;
}

/**
 * Attribute values. Every Toxiproxy attribute is an integer; the protocol toxics (pg_error's `match`,
 * `sqlstate`, `message`) add strings, declared per field so a TCP toxic's JSON never changes.
 */
export type ToxicAttributeValue = number | string;
export type ToxicAttributes = Readonly<Record<string, ToxicAttributeValue>>;

/** How a field is decoded, with Go's names (they appear in the decoder's error messages). */
export type AttributeGoType = 'int' | 'int64' | 'string';

/** A connection protocol a toxic needs; TCP toxics work on every proxy. */
export type ToxicProtocol = 'postgres' | 'http';

/** One toxic type: its attributes (in Go field order, defaulting to 0 or "") and how it runs on a link. */
export interface ToxicKind<A extends { readonly [K in keyof A]: ToxicAttributeValue } = ToxicAttributes> {
  /** The Go struct name, for decoder error messages. */
  readonly goStruct: string;
  readonly fields: ReadonlyArray<readonly [name: keyof A & string, goType: AttributeGoType]>;
  /** Defaults other than Go's zero values (a protocol toxic's SQLSTATE). */
  readonly defaults?: Readonly<Partial<A>>;
  /** Set on toxics that act on one protocol's messages (their link stage passes bytes through). */
  readonly protocol?: ToxicProtocol;
  /** Rejects attributes that cannot work (a bad regex), with an ApiError 400. */
  validate?(attributes: A): void;
  /** `previous` is this toxic's stage before an update, for state that survives updates (limit_data). */
  createStage(attributes: A, env: StageEnv, previous: ToxicStage | undefined): ToxicStage;
}

/** The stage a toxic runs as when its toxicity roll says it does not apply to this link. */
export const passThroughStage: ToxicStage = {
  onChunk: (chunk, forward) => forward(chunk),
};
