/** No shipment with that id (REST: 404). */
export class ShipmentNotFoundError extends Error {
  constructor(readonly shipmentId: string) {
    super(`No shipment ${shipmentId}`);
    this.name = 'ShipmentNotFoundError';
  }
}

/** The shipment is not in a state that allows the step (REST: 409). */
export class ShipmentStateError extends Error {
  constructor(shipmentId: string, status: string, step: string) {
    super(`Shipment ${shipmentId} is ${status}: it cannot be ${step}`);
    this.name = 'ShipmentStateError';
  }
}
