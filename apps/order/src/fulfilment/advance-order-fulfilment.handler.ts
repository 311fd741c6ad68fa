import { Injectable } from '@nestjs/common';
import {
  CreateShipment,
  DispatchDeadlinePassed,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentDelivered,
  ShipmentDispatched,
  ShipmentFailed,
} from '@shopbus/contracts';
import {
  faulted,
  type FaultEventPayload,
  type MessageContext,
  type PayloadOf,
} from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { transactionOf } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import { orderEndpoints } from '../order.endpoints';
import type { FulfilmentEvent } from './fulfilment-saga';
import { FulfilmentService } from './fulfilment.service';

/**
 * Feeds what happens to an order into the saga. One message of an order at a time (partitioned
 * by correlation id, the order's id) so that an order's events are seen in the order shipping
 * published them, while many orders proceed at once; the row lock in FulfilmentService keeps
 * that true across several instances, and a delivery that overtook its dispatch is sent back to
 * wait (retry-later).
 */
@Injectable()
export class AdvanceOrderFulfilment {
  constructor(private readonly fulfilment: FulfilmentService) {}

  @MessageHandler(ShipmentCreated, orderEndpoints.fulfilment)
  created({ orderId, shipmentId }: PayloadOf<typeof ShipmentCreated>, context: MessageContext) {
    return this.step(orderId, { type: 'shipment-created', shipmentId }, context);
  }

  @MessageHandler(ShipmentDispatched, orderEndpoints.fulfilment)
  dispatched(event: PayloadOf<typeof ShipmentDispatched>, context: MessageContext) {
    return this.step(event.orderId, { type: 'shipment-dispatched', ...event }, context);
  }

  @MessageHandler(ShipmentDelivered, orderEndpoints.fulfilment)
  delivered({ orderId }: PayloadOf<typeof ShipmentDelivered>, context: MessageContext) {
    return this.step(orderId, { type: 'shipment-delivered' }, context);
  }

  @MessageHandler(ShipmentFailed, orderEndpoints.fulfilment)
  failed({ orderId, reason }: PayloadOf<typeof ShipmentFailed>, context: MessageContext) {
    return this.step(orderId, { type: 'shipment-failed', reason }, context);
  }

  /** Shipping confirms the cancellation the saga asked for: now the order is cancelled. */
  @MessageHandler(ShipmentCancelled, orderEndpoints.fulfilment)
  cancelled({ orderId }: PayloadOf<typeof ShipmentCancelled>, context: MessageContext) {
    return this.step(orderId, { type: 'shipment-cancelled' }, context);
  }

  @MessageHandler(DispatchDeadlinePassed, orderEndpoints.fulfilment)
  deadline({ orderId }: PayloadOf<typeof DispatchDeadlinePassed>, context: MessageContext) {
    return this.step(orderId, { type: 'deadline-passed' }, context);
  }

  /** Shipping dead-lettered our create-shipment command: the order cannot be fulfilled. */
  @MessageHandler(faulted(CreateShipment), orderEndpoints.fulfilment)
  shipmentRequestFaulted(fault: FaultEventPayload, context: MessageContext) {
    const { orderId } = fault.message as { orderId: string };
    return this.step(
      orderId,
      { type: 'shipment-request-faulted', reason: fault.fault.errorMessage },
      context,
    );
  }

  private async step(
    orderId: string,
    event: FulfilmentEvent,
    context: MessageContext,
  ): Promise<void> {
    const tx = transactionOf<PgTransaction>(context);
    await this.fulfilment.apply(tx, orderId, event, context.envelope.messageType);
  }
}
