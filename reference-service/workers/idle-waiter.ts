/** Sleeps that end early when woken: idle workers poll slowly but start at once on new work. */
export class IdleWaiter {
  private readonly sleepers = new Set<() => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  /** One new execution needs one worker; waking all would make every idle worker scan the queue. */
  wakeOne(): void {
    const first = this.sleepers.values().next();
    if (!first.done) first.value();
  }

  wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}
