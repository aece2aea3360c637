import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { Rng } from '../core/seeded-rng.ts';
import { interruptibleSleep } from './interruptible-sleep.ts';
import type { Direction, ToxicDefinition } from './toxic-definition.ts';
import { passThroughStage } from './toxic-stage.ts';
import type { Chunk, StageEnv, StopReason, ToxicStage } from './toxic-stage.ts';
import { createToxicStage, toxicKind } from './toxics/index.ts';
import type { ToxicCounter } from './proxy-counters.ts';

/**
 * Bounds on data waiting in front of a link's toxic chain. When either is crossed the source socket is
 * paused, so a stalled toxic (rate-0 bandwidth, latency) never buffers without bound. Under latency the
 * byte bound caps throughput at about 4 MiB per latency period (40 MB/s at 100 ms), like Go's 1024-chunk buffer.
 */
export const maxQueuedBytes = 4 * 1024 * 1024;
export const maxQueuedChunks = 1024;

const endOfStream = Symbol('end of stream');

/** What a link needs from its connection. */
export interface LinkHooks {
  nowMs(): number;
  readonly random: Rng;
  /** This direction is done (EOF delivered, or cut by a toxic). */
  finished(link: Link): void;
  reset(): void;
  /** Bytes read from this direction's source (the proxy's counters). */
  received(bytes: number): void;
  /** The live counter of a toxic, for what goes through it; undefined once the toxic is gone. */
  toxicCounter(name: string): ToxicCounter | undefined;
}

interface StageSlot {
  readonly name: string;
  readonly stage: ToxicStage;
  readonly interrupt: AbortController;
  /** Whether the toxicity roll made the real toxic run (else a pass-through runs in its place). */
  readonly applied: boolean;
  stopped: boolean;
  /** This link already counts as one of the toxic's connections (kept across an update of the toxic). */
  counted: boolean;
}

/**
 * One direction of one connection: source socket → toxic stages → destination socket.
 * With no toxics, chunks are written straight through (the cheap path). With toxics, chunks queue and
 * pass the chain one at a time, so order is kept; the chain is swapped live when toxics change, and a
 * chunk already inside the chain finishes on the chain it started on (interrupted stages flush it).
 */
export class Link {
  private readonly queue: Array<Chunk | typeof endOfStream> = [];
  private queuedBytes = 0;
  private slots: readonly StageSlot[];
  private processing = false;
  private inputEnded = false;
  private done = false;
  private destBlocked = false;
  private paused = false;

  constructor(
    readonly src: Socket,
    /** The destination socket, or a protocol session's input in front of it. */
    readonly dest: Writable,
    readonly direction: Direction,
    toxics: readonly ToxicDefinition[],
    private readonly hooks: LinkHooks,
  ) {
    this.slots = toxics.map((t) => this.createSlot(t, undefined));
    src.on('data', (data: Buffer) => this.onData(data));
    src.on('end', () => this.endInput());
    dest.on('drain', () => {
      this.destBlocked = false;
      this.updateFlow();
    });
  }

  get isDone(): boolean {
    return this.done;
  }

  addToxic(toxic: ToxicDefinition): void {
    this.slots = [...this.slots, this.createSlot(toxic, undefined)];
  }

  replaceToxic(toxic: ToxicDefinition): void {
    const old = this.slots.find((s) => s.name === toxic.name);
    if (old === undefined) return;
    const next = this.createSlot(toxic, old);
    this.slots = this.slots.map((s) => (s === old ? next : s));
    this.stopSlot(old, 'replaced');
  }

  removeToxic(name: string): void {
    const old = this.slots.find((s) => s.name === name);
    if (old === undefined) return;
    this.slots = this.slots.filter((s) => s !== old);
    this.stopSlot(old, 'removed');
  }

  /** The source ended (or can no longer be read): the EOF follows the queued data through the chain. */
  endInput(): void {
    if (this.inputEnded || this.done) return;
    this.inputEnded = true;
    if (this.slots.length === 0 && !this.processing) return this.finish();
    this.queue.push(endOfStream);
    this.kick();
  }

  /** Nothing more can be written (destination gone, or a toxic cut the link): drop what is queued. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    this.inputEnded = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.updateFlow();
    this.hooks.finished(this);
  }

  /** The connection is going away: drop everything and interrupt every stage, without callbacks. */
  abort(): void {
    this.done = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    for (const slot of this.slots) this.stopSlot(slot, 'closed');
  }

  private onData(data: Buffer): void {
    if (this.inputEnded) return;
    this.hooks.received(data.length);
    if (this.slots.length === 0 && !this.processing) {
      if (!this.dest.write(data)) {
        this.destBlocked = true;
        this.updateFlow();
      }
      return;
    }
    this.queue.push({ data, receivedAtMs: this.hooks.nowMs() });
    this.queuedBytes += data.length;
    this.updateFlow();
    this.kick();
  }

  private kick(): void {
    if (this.processing) return;
    this.processing = true;
    this.drain().then(
      () => (this.processing = false),
      () => {
        this.processing = false;
        this.hooks.reset();
      },
    );
  }

  private async drain(): Promise<void> {
    while (!this.done) {
      const item = this.queue.shift();
      if (item === undefined) return;
      const slots = this.slots;
      if (item === endOfStream) {
        for (const slot of slots) if (!slot.stopped) await slot.stage.onEnd?.();
        return this.finish();
      }
      this.queuedBytes -= item.data.length;
      this.updateFlow();
      await this.runFrom(slots, 0, item);
    }
  }

  private runFrom(slots: readonly StageSlot[], index: number, chunk: Chunk): Promise<void> {
    if (this.done) return Promise.resolve();
    let i = index;
    while (i < slots.length && slots[i]?.stopped) i++;
    const slot = slots[i];
    if (slot === undefined) return this.write(chunk);
    if (slot.applied) this.count(slot, chunk.data.length);
    return Promise.resolve(slot.stage.onChunk(chunk, (next) => this.runFrom(slots, i + 1, next)));
  }

  private async write(chunk: Chunk): Promise<void> {
    if (this.dest.destroyed || chunk.data.length === 0) return;
    if (this.dest.write(chunk.data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.dest.off('drain', done);
        this.dest.off('close', done);
        resolve();
      };
      this.dest.on('drain', done);
      this.dest.on('close', done);
    });
  }

  private count(slot: StageSlot, bytes: number): void {
    const counter = this.hooks.toxicCounter(slot.name);
    if (counter === undefined) return;
    counter.bytes += bytes;
    if (!slot.counted) {
      slot.counted = true;
      counter.connections++;
    }
  }

  private updateFlow(): void {
    const full = this.queuedBytes > maxQueuedBytes || this.queue.length > maxQueuedChunks;
    const shouldPause = !this.inputEnded && (this.destBlocked || full);
    if (shouldPause === this.paused) return;
    this.paused = shouldPause;
    if (shouldPause) this.src.pause();
    else this.src.resume();
  }

  private createSlot(toxic: ToxicDefinition, previous: StageSlot | undefined): StageSlot {
    const interrupt = new AbortController();
    // A protocol toxic rolls its toxicity per statement (postgres/pg-session.ts), not per link.
    const applied = toxicKind(toxic.type).protocol !== undefined || this.hooks.random() < toxic.toxicity;
    const env: StageEnv = {
      nowMs: this.hooks.nowMs,
      random: this.hooks.random,
      sleep: (ms) => interruptibleSleep(ms, interrupt.signal),
      closeLink: () => this.finish(),
      resetLink: () => this.hooks.reset(),
    };
    const stage = applied ? createToxicStage(toxic.type, toxic.attributes, env, previous?.stage) : passThroughStage;
    return { name: toxic.name, stage, interrupt, applied, stopped: false, counted: previous?.counted ?? false };
  }

  private stopSlot(slot: StageSlot, reason: StopReason): void {
    if (slot.stopped) return;
    slot.stopped = true;
    slot.interrupt.abort();
    if (slot.applied) slot.stage.stop?.(reason);
  }
}
