import { DomainError } from '@shopbus/platform';

export class ShipmentNotFoundError extends DomainError {
  constructor(readonly shipmentId: string) {
    super(`No shipment ${shipmentId}`, 404);
  }
}

/** The shipment is not in a state that allows the step. */
export class ShipmentStateError extends DomainError {
  constructor(shipmentId: string, status: string, step: string) {
    super(`Shipment ${shipmentId} is ${status}: it cannot be ${step}`, 409);
  }
}
