const mib = 1024 * 1024;

/** Memory held on purpose; every page is written so that it counts in the resident set, not just virtual size. */
export class MemoryBallast {
  private chunks: Buffer[] = [];

  get bytes(): number {
    return this.chunks.length * mib;
  }

  add(mb: number): void {
    for (let i = 0; i < mb; i++) {
      // allocUnsafeSlow: outside the shared pool, so free() really returns the memory.
      this.chunks.push(Buffer.allocUnsafeSlow(mib).fill((this.chunks.length % 251) + 1));
    }
  }

  free(): void {
    this.chunks = [];
  }
}
