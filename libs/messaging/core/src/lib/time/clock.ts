/**
 * Where the library reads the time and waits for it: scheduled outbox messages fall due by it,
 * delayed redelivery on the in-memory transport waits on it. Production uses the system clock; a
 * test harness passes a virtual clock and moves it by hand, so that an hour-long deadline fires
 * in milliseconds of real time without configuration shortening it.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /**
   * Calls `callback` once `delayMs` of this clock's time has passed; the returned function
   * cancels it. A timer must not keep the process alive by itself (see systemClock).
   */
  setTimer(callback: () => void, delayMs: number): () => void;
}

/** The real time. Its timers are unref'd: a pending redelivery does not hold a process open. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
