import { DomainError } from '@shopbus/platform';

export class CartNotFoundError extends DomainError {
  constructor(cartId: string) {
    super(`No cart ${cartId}`, 404);
  }
}

export class ProductNotFoundError extends DomainError {
  constructor(sku: string) {
    super(`No product ${sku} in the catalogue`, 404);
  }
}

export class ItemNotInCartError extends DomainError {
  constructor(cartId: string, sku: string) {
    super(`Cart ${cartId} has no ${sku}`, 404);
  }
}

export class CartNotOpenError extends DomainError {
  constructor(cartId: string, status: string) {
    super(`Cart ${cartId} is ${status}: it can no longer change`, 409);
  }
}

export class EmptyCartError extends DomainError {
  constructor(cartId: string) {
    super(`Cart ${cartId} is empty`, 409);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string) {
    super(`Idempotency-Key ${key} was used for a different checkout request`, 422);
  }
}

export class UndeliverableError extends DomainError {
  constructor(country: string) {
    super(`The shop does not deliver to ${country}`, 422);
  }
}

export class ShippingUnavailableError extends DomainError {
  constructor(reason: string) {
    super(`Shipping did not answer the quote request: ${reason}`, 504);
  }
}
