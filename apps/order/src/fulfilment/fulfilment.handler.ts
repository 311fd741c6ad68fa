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
  byCorrelationId,
  faulted,
  type FaultEventPayload,
  type MessageContext,
  type PayloadOf,
} from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { Inbox } from '@shopbus/messaging-outbox';
import { OrderPrisma } from '../order-prisma.service';
import type { FulfilmentEvent } from './fulfilment-saga';
import { FulfilmentService } from './fulfilment.service';

/** The saga's queue: shipping's events, its own deadline, and faults of its shipment requests. */
export const FULFILMENT_QUEUE = 'order.fulfilment';

/**
 * Feeds what happens to an order into the saga. One message of an order at a time (partitioned
 * by correlation id, the order's id) so that an order's events are seen in the order shipping
 * published them, while many orders proceed at once; the row lock in FulfilmentService keeps
 * that true across several instances, and a delivery that overtook its dispatch is sent back to
 * wait (retry-later).
 */
@Injectable()
export class FulfilmentHandler {
  constructor(
    private readonly prisma: OrderPrisma,
    private readonly inbox: Inbox,
    private readonly fulfilment: FulfilmentService,
  ) {}

  @MessageHandler(ShipmentCreated, {
    queue: FULFILMENT_QUEUE,
    prefetch: 32,
    partitionBy: byCorrelationId,
  })
  created({ orderId, shipmentId }: PayloadOf<typeof ShipmentCreated>, context: MessageContext) {
    return this.step(orderId, { type: 'shipment-created', shipmentId }, context);
  }

  @MessageHandler(ShipmentDispatched, { queue: FULFILMENT_QUEUE })
  dispatched(event: PayloadOf<typeof ShipmentDispatched>, context: MessageContext) {
    return this.step(event.orderId, { type: 'shipment-dispatched', ...event }, context);
  }

  @MessageHandler(ShipmentDelivered, { queue: FULFILMENT_QUEUE })
  delivered({ orderId }: PayloadOf<typeof ShipmentDelivered>, context: MessageContext) {
    return this.step(orderId, { type: 'shipment-delivered' }, context);
  }

  @MessageHandler(ShipmentFailed, { queue: FULFILMENT_QUEUE })
  failed({ orderId, reason }: PayloadOf<typeof ShipmentFailed>, context: MessageContext) {
    return this.step(orderId, { type: 'shipment-failed', reason }, context);
  }

  /** Shipping confirms the cancellation the saga asked for: now the order is cancelled. */
  @MessageHandler(ShipmentCancelled, { queue: FULFILMENT_QUEUE })
  cancelled({ orderId }: PayloadOf<typeof ShipmentCancelled>, context: MessageContext) {
    return this.step(orderId, { type: 'shipment-cancelled' }, context);
  }

  @MessageHandler(DispatchDeadlinePassed, { queue: FULFILMENT_QUEUE })
  deadline({ orderId }: PayloadOf<typeof DispatchDeadlinePassed>, context: MessageContext) {
    return this.step(orderId, { type: 'deadline-passed' }, context);
  }

  /** Shipping dead-lettered our create-shipment command: the order cannot be fulfilled. */
  @MessageHandler(faulted(CreateShipment), { queue: FULFILMENT_QUEUE })
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
    await this.inbox.handleOnce(this.prisma.sql, context, FULFILMENT_QUEUE, async (tx) => {
      await this.fulfilment.apply(tx, orderId, event, context.envelope.messageType);
    });
  }
}
