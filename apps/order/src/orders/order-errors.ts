import { DomainError } from '@shopbus/platform';

export class OrderNotFoundError extends DomainError {
  constructor(orderId: string) {
    super(`No order ${orderId} (an order appears a moment after its checkout)`, 404);
  }
}

export class OrderCancellationRefusedError extends DomainError {
  constructor(orderId: string, reason: string) {
    super(`Order ${orderId} cannot be cancelled: ${reason}`, 409);
  }
}
