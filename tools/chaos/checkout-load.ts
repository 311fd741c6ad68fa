import { randomUUID } from 'node:crypto';

/** One customer's checkout as the rig attempted it, and what came of it. */
export interface CheckoutAttempt {
  email: string;
  /** The fault window it was started in (its label). */
  window: string;
  startedAt: number;
  /** 202 with an order id, or anything else (the step that failed and how). */
  accepted: boolean;
  orderId?: string;
  failure?: string;
}

const address = {
  name: 'Chaos Customer',
  street: '1 Fault Line',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

/**
 * Customers at a steady rate, each creating a cart, adding an item and checking out with an
 * Idempotency-Key, without waiting for the one before: what a shop sees from its users, fault or
 * no fault. Every attempt is recorded, with the fault window it started in.
 */
export class CheckoutLoad {
  readonly attempts: CheckoutAttempt[] = [];
  window = 'warm-up';
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly cartUrl: string) {}

  start(perSecond: number): void {
    this.timer = setInterval(() => {
      const attempt = this.checkout();
      this.inFlight.add(attempt);
      void attempt.finally(() => this.inFlight.delete(attempt));
    }, 1000 / perSecond);
  }

  /** Stops starting checkouts and waits for those under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private async checkout(): Promise<void> {
    const attempt: CheckoutAttempt = {
      email: `chaos-${randomUUID()}@example.com`,
      window: this.window,
      startedAt: Date.now(),
      accepted: false,
    };
    this.attempts.push(attempt);
    try {
      const cart = await this.call('create cart', 'POST', '/carts', {
        customerEmail: attempt.email,
      });
      await this.call('add item', 'PUT', `/carts/${cart.id}/items/MUG-BLUE`, { quantity: 1 });
      const accepted = await this.call(
        'checkout',
        'POST',
        `/carts/${cart.id}/checkout`,
        { customerEmail: attempt.email, shippingAddress: address },
        { 'idempotency-key': randomUUID() },
      );
      attempt.accepted = true;
      attempt.orderId = accepted.orderId;
    } catch (error) {
      attempt.failure = error instanceof Error ? error.message : String(error);
    }
  }

  private async call(
    step: string,
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Record<string, string>> {
    let response: Response;
    try {
      response = await fetch(`${this.cartUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new Error(`${step}: ${(error as Error).cause ?? (error as Error).message}`);
    }
    if (response.status >= 300) throw new Error(`${step}: ${response.status}`);
    return (await response.json()) as Record<string, string>;
  }
}
