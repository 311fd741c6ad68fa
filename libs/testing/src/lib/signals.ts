/**
 * Awaitable signals so tests wait for the event they expect instead of sleeping: each wait has a
 * deadline that fails the test with a message saying what never happened.
 */
export class Countdown<T = unknown> {
  readonly seen: T[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  record(item: T): void {
    this.seen.push(item);
    for (const waiter of [...this.waiters]) {
      if (this.seen.length >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** Resolves once `count` items were recorded; rejects after `timeoutMs` saying how many came. */
  reach(count: number, timeoutMs = 10_000, what = 'items'): Promise<T[]> {
    if (this.seen.length >= count) return Promise.resolve(this.seen);
    return withDeadline(
      new Promise<void>((resolve) => this.waiters.push({ count, resolve })).then(() => this.seen),
      timeoutMs,
      () => `expected ${count} ${what} within ${timeoutMs} ms, saw ${this.seen.length}`,
    );
  }
}

export function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  explain: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(explain())), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** A promise with its resolve/reject exposed, for "wait until the handler has started". */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Resolves once `condition` holds, asking every 20 ms: for state that announces no event of its
 * own (a database row reaching a status). Rejects after `timeoutMs` with `what` (given as a
function, it is read when the deadline passes, so it can say what was seen last).
 */
export async function until(
  condition: () => Promise<boolean> | boolean,
  what: string | (() => string),
  timeoutMs = 10_000,
): Promise<void> {
  let gaveUp = false;
  const check = async () => {
    while (!gaveUp && !(await condition())) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await withDeadline(
    check(),
    timeoutMs,
    () => `${typeof what === 'string' ? what : what()} did not happen within ${timeoutMs} ms`,
  ).finally(() => {
    gaveUp = true;
  });
}
