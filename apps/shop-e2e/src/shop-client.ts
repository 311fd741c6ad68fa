import type { ServiceName } from './shop-under-test';

/**
 * A JSON body as the tests read it: the assertions say what its shape must be, so it is left
 * loosely typed here on purpose.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The shop's REST APIs, as an operator's HTTP client sees them: every call carries the operator's
 * token, which the customer-facing routes ignore and the operator routes require.
 */
export class ShopClient {
  constructor(
    private readonly urls: Record<ServiceName, string>,
    private readonly operatorToken: string,
  ) {}

  async call<T = Json>(
    service: ServiceName,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const response = await fetch(`${this.urls[service]}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.operatorToken}`,
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
      headers: response.headers,
    };
  }

  /** A cart with these items, checked out; the checkout's answer. */
  async checkout(
    email: string,
    postalCode = '10115',
    items: Record<string, number> = { 'MUG-BLUE': 2 },
    key = `${email}-${postalCode}`,
  ) {
    const cart = await this.call('cart', 'POST', '/carts', { customerEmail: email });
    for (const [sku, quantity] of Object.entries(items)) {
      await this.call('cart', 'PUT', `/carts/${cart.body.id}/items/${sku}`, { quantity });
    }
    const checkout = await this.call(
      'cart',
      'POST',
      `/carts/${cart.body.id}/checkout`,
      {
        customerEmail: email,
        shippingAddress: {
          name: 'Ada Lovelace',
          street: '12 Analytical Row',
          city: 'Berlin',
          postalCode,
          country: 'DE',
        },
      },
      { 'Idempotency-Key': key },
    );
    return { cartId: cart.body.id as string, ...checkout };
  }

  order(orderId: string) {
    return this.call('order', 'GET', `/orders/${orderId}`);
  }

  notifications(email: string) {
    return this.call('notification', 'GET', `/notifications?email=${encodeURIComponent(email)}`);
  }

  journey(orderId: string) {
    return this.call('notification', 'GET', `/audit?correlationId=${orderId}`);
  }
}
