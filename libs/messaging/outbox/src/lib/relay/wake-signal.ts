/**
 * How the relay sleeps between batches: until a NOTIFY arrives or the poll interval passes,
 * whichever comes first. A notification that arrives while a batch is running is remembered, so
 * the relay never sleeps through a write it was told about.
 */
export class WakeSignal {
  private pending = false;
  private waiter?: () => void;

  /** A write was committed (or the relay is stopping): wake now, or skip the next sleep. */
  notify(): void {
    this.pending = true;
    this.waiter?.();
  }

  /** Forget earlier notifications: the batch about to run will see what they announced. */
  clear(): void {
    this.pending = false;
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
  }
}
