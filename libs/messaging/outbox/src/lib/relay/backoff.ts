/** Exponential backoff with jitter: initial, ×factor per step, capped; `reset` after a success. */
export class Backoff {
  private step = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly factor = 2,
  ) {}

  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.step);
    this.step += 1;
    // ±20% so that several relays that lost the broker together do not retry in lockstep.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  reset(): void {
    this.step = 0;
  }
}

/** The delay before a failed row's next attempt: `initial × 2^(attempts-1)`, capped. */
export function retryDelayMs(attempts: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempts - 1));
}
