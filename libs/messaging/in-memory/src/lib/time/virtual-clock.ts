import type { Clock } from '@shopbus/messaging-core';

interface Timer {
  readonly dueAt: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told to. Timers set on it fire during `advance`, in the order of
 * their due times, each at its own time (`now()` reads the due time inside the callback). Shared
 * by the harness's transport (delayed redelivery) and the outbox (scheduled messages, saga
 * deadlines): advancing an hour fires an hour's deadlines in milliseconds of real time.
 */
export class VirtualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private created = 0;

  /** Starts at `startAt` (default: the real time now, so stored times look plausible). */
  constructor(startAt: number = Date.now()) {
    this.current = startAt;
  }

  now(): number {
    return this.current;
  }

  setTimer(callback: () => void, delayMs: number): () => void {
    const timer: Timer = {
      dueAt: this.current + Math.max(0, delayMs),
      order: (this.created += 1),
      callback,
    };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.dueAt - b.dueAt || a.order - b.order);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** When the next timer is due, or undefined when none is set. */
  nextTimerAt(): number | undefined {
    return this.timers[0]?.dueAt;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way. Between two due times it
   * yields to the event loop, so that what one timer started (a redelivery being handled) runs
   * before the clock moves past the next.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`A clock cannot go back: advance(${ms})`);
    const target = this.current + ms;
    for (let next = this.timers[0]; next && next.dueAt <= target; next = this.timers[0]) {
      this.timers.shift();
      this.current = Math.max(this.current, next.dueAt);
      next.callback();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.current = target;
  }
}
