import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { TimelineLine } from '../contract/timeline-types.ts';
import { failpoint } from '../core/failpoint.ts';

export interface TimelineWriterOptions {
  /**
   * Told once, at the first failed write (a full disk, an I/O error). Writes are then dropped and
   * counted, never thrown: they happen inside timer and socket callbacks, where a throw would be an
   * uncaught exception rather than the run's orderly stop.
   */
  onError?: (error: unknown) => void;
}

/**
 * Append-only JSONL writer for `timeline.jsonl`. Each line is handed to the OS (a write(2) on the
 * libuv thread pool) as soon as the previous write finished, so a crash of the harness loses
 * nothing already written while the engine's event loop never waits on the disk. Lines queued
 * while a write is in progress go out together, in order.
 *
 * The file holds whole lines only: a write that fails part way (the disk filled during it) is cut
 * back to the end of the last complete one, so what was measured up to the failure stays readable.
 */
export class TimelineWriter {
  readonly path: string;
  readonly #file: FileHandle;
  readonly #onError: ((error: unknown) => void) | undefined;
  #queue: string[] = [];
  #writing: Promise<void> | null = null;
  #error: unknown = null;
  #closed = false;
  /** Bytes in the file that end with a whole line: where a failed write is cut back to. */
  #size: number;
  #dropped = 0;

  private constructor(path: string, file: FileHandle, size: number, options: TimelineWriterOptions) {
    this.path = path;
    this.#file = file;
    this.#size = size;
    this.#onError = options.onError;
  }

  /** Opens (creating or appending to) the file. */
  static async open(path: string, options: TimelineWriterOptions = {}): Promise<TimelineWriter> {
    const file = await open(path, 'a');
    try {
      return new TimelineWriter(path, file, (await file.stat()).size, options);
    } catch (e) {
      await file.close();
      throw e;
    }
  }

  /** The first write error, or null while every line got written. */
  get error(): unknown {
    return this.#error;
  }

  /** Lines not written because an earlier write failed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues a line; never blocks, never throws for a write error (see `onError`). */
  write(line: TimelineLine): void {
    if (this.#closed) throw new Error(`timeline writer for ${this.path} is closed`);
    if (this.#error !== null) {
      this.#dropped++;
      return;
    }
    this.#queue.push(`${JSON.stringify(line)}\n`);
    this.#writing ??= this.#drain();
  }

  /** Resolves once everything queued so far is written (or dropped after a failure). */
  async flush(): Promise<void> {
    while (this.#writing !== null) await this.#writing;
  }

  /** Writes what is pending, then closes the file. The write error, if any, stays in `error`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.flush();
    } finally {
      await this.#file.close().catch((e: unknown) => this.#fail(e));
    }
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0 && this.#error === null) {
        const lines = this.#queue;
        this.#queue = [];
        await this.#writeWhole(Buffer.from(lines.join(''), 'utf8'), lines.length);
      }
    } finally {
      this.#writing = null;
    }
  }

  /** Writes the chunk to its end (write(2) may take part of it), or cuts the file back to `#size`. */
  async #writeWhole(chunk: Buffer, lines: number): Promise<void> {
    try {
      failpoint('timeline-write');
      let offset = 0;
      while (offset < chunk.length) offset += (await this.#file.write(chunk, offset, chunk.length - offset)).bytesWritten;
      this.#size += chunk.length;
    } catch (e) {
      this.#dropped += lines + this.#queue.length;
      this.#queue = [];
      // Truncating frees blocks, so it works on a full disk too; if it fails the reader still skips a cut last line.
      await this.#file.truncate(this.#size).catch(() => undefined);
      this.#fail(e);
    }
  }

  #fail(e: unknown): void {
    if (this.#error !== null) return;
    this.#error = e;
    this.#onError?.(e);
  }
}
