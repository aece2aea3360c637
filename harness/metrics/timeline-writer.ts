import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { TimelineLine } from '../contract/timeline-types.ts';

/**
 * Append-only JSONL writer for `timeline.jsonl`. Each line is handed to the OS (a write(2) on the
 * libuv thread pool) as soon as the previous write finished, so a crash of the harness loses
 * nothing already written while the engine's event loop never waits on the disk. Lines queued
 * while a write is in progress go out together, in order.
 */
export class TimelineWriter {
  readonly path: string;
  readonly #file: Promise<FileHandle>;
  #queue: string[] = [];
  #writing: Promise<void> | null = null;
  #error: unknown = null;
  #closed = false;

  private constructor(path: string, file: Promise<FileHandle>) {
    this.path = path;
    this.#file = file;
  }

  /** Opens (creating or appending to) the file. */
  static async open(path: string): Promise<TimelineWriter> {
    const file = open(path, 'a');
    await file;
    return new TimelineWriter(path, file);
  }

  /** Queues a line; never blocks. A failed earlier write is rethrown here and by close(). */
  write(line: TimelineLine): void {
    if (this.#error !== null) throw this.#error;
    if (this.#closed) throw new Error(`timeline writer for ${this.path} is closed`);
    this.#queue.push(`${JSON.stringify(line)}\n`);
    this.#writing ??= this.#drain();
  }

  /** Resolves once everything queued so far is written. */
  async flush(): Promise<void> {
    while (this.#writing !== null) await this.#writing;
    if (this.#error !== null) throw this.#error;
  }

  /** Writes what is pending, then closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.flush();
    } finally {
      await (await this.#file).close();
    }
  }

  async #drain(): Promise<void> {
    try {
      const file = await this.#file;
      while (this.#queue.length > 0) {
        const chunk = this.#queue.join('');
        this.#queue = [];
        await file.write(chunk);
      }
    } catch (e) {
      this.#error = e;
    } finally {
      this.#writing = null;
    }
  }
}
