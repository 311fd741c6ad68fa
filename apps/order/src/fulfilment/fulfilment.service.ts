import { Injectable } from '@nestjs/common';
import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  OrderCancelled,
  OrderDelivered,
  OrderShipped,
} from '@shopbus/contracts';
import { Outbox } from '@shopbus/messaging-outbox';
import type { Order, Prisma } from '../generated/prisma/client';
import { OrderCancellationRefusedError, OrderNotFoundError } from '../orders/order-errors';
import {
  decide,
  type Decision,
  type FulfilmentAction,
  type FulfilmentEvent,
  type OrderStatus,
} from './fulfilment-saga';

type Tx = Prisma.TransactionClient;

/** Thrown for a retry-later decision: the recoverability policy brings the message back. */
export class EventTooEarlyError extends Error {}

/**
 * Applies the saga's decisions: locks the order row (steps of one order never interleave, even
 * across service instances), decides, writes the new state and a history line, and carries out
 * the actions through the outbox, all in the caller's transaction.
 */
@Injectable()
export class FulfilmentService {
  constructor(private readonly outbox: Outbox) {}

  async apply(tx: Tx, orderId: string, event: FulfilmentEvent, cause: string): Promise<Decision> {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "order" WHERE id = ${orderId}::uuid FOR UPDATE`;
    if (!locked) throw new OrderNotFoundError(orderId);
    const order = (await tx.order.findUnique({ where: { id: orderId } })) as Order;
    const decision = decide(order.status as OrderStatus, event);

    if (decision.kind === 'refuse')
      throw new OrderCancellationRefusedError(orderId, decision.reason);
    if (decision.kind === 'retry-later')
      throw new EventTooEarlyError(`${orderId}: ${decision.reason}`);
    if (decision.kind === 'ignore') {
      await tx.orderHistory.create({
        data: { orderId, status: order.status, cause, note: `ignored: ${decision.note}` },
      });
      return decision;
    }
    await tx.order.update({
      where: { id: orderId },
      data: {
        status: decision.status,
        shipmentId: decision.shipmentId ?? order.shipmentId,
        trackingNumber: decision.trackingNumber ?? order.trackingNumber,
        cancelReason: decision.cancelReason ?? order.cancelReason,
        deadlineMessage: decision.actions.includes('cancel-deadline')
          ? null
          : order.deadlineMessage,
      },
    });
    await tx.orderHistory.create({
      data: {
        orderId,
        status: decision.status,
        cause,
        note: decision.note ?? decision.cancelReason,
      },
    });
    for (const action of decision.actions) {
      await this.carryOut(tx, action, {
        ...order,
        ...decision,
        trackingNumber: decision.trackingNumber ?? order.trackingNumber,
      });
    }
    return decision;
  }

  private async carryOut(
    tx: Tx,
    action: FulfilmentAction,
    order: Pick<Order, 'id' | 'customerEmail' | 'deadlineMessage' | 'trackingNumber'> & {
      cancelReason?: string | null;
    },
  ): Promise<void> {
    switch (action) {
      case 'cancel-deadline':
        if (order.deadlineMessage) await this.outbox.cancelScheduled(tx, order.deadlineMessage);
        return;
      case 'send-cancel-shipment':
        // Straight to shipping's queue by name, through the default exchange.
        await this.outbox.send(
          tx,
          CancelShipment,
          { orderId: order.id, reason: order.cancelReason ?? 'cancelled' },
          { queue: CANCEL_SHIPMENT_QUEUE },
          this.inOrder(order.id),
        );
        return;
      case 'publish-order-shipped':
        await this.outbox.publish(
          tx,
          OrderShipped,
          {
            orderId: order.id,
            customerEmail: order.customerEmail,
            trackingNumber: order.trackingNumber ?? '',
          },
          this.inOrder(order.id),
        );
        return;
      case 'publish-order-delivered':
        await this.outbox.publish(
          tx,
          OrderDelivered,
          { orderId: order.id, customerEmail: order.customerEmail },
          this.inOrder(order.id),
        );
        return;
      case 'publish-order-cancelled':
        await this.outbox.publish(
          tx,
          OrderCancelled,
          {
            orderId: order.id,
            customerEmail: order.customerEmail,
            reason: order.cancelReason ?? 'cancelled',
          },
          this.inOrder(order.id),
        );
        return;
    }
  }

  /**
   * Everything about one order is correlated by its id (also when a REST call causes it, with no
   * message to inherit from) and published in order.
   */
  private inOrder(orderId: string) {
    return { correlationId: orderId, partitionKey: orderId };
  }
}
