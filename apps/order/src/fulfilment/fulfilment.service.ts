import { Injectable } from '@nestjs/common';
import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  OrderCancelled,
  OrderDelivered,
  OrderShipped,
} from '@shopbus/contracts';
import { Outbox, type OutboxBatch } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import { OrderCancellationRefusedError, OrderNotFoundError } from '../orders/order-errors';
import {
  decide,
  type Decision,
  type FulfilmentAction,
  type FulfilmentEvent,
  type OrderStatus,
} from './fulfilment-saga';

/** The columns of an order row the saga reads (snake_case, as the table has them). */
interface OrderRow {
  id: string;
  status: OrderStatus;
  customer_email: string;
  shipment_id: string | null;
  tracking_number: string | null;
  deadline_message: string | null;
  cancel_reason: string | null;
}

/** What an action needs to know of the order, its decision applied. */
interface ActedOrder {
  id: string;
  customerEmail: string;
  trackingNumber: string | null;
  cancelReason: string | null;
}

/** Thrown for a retry-later decision: the recoverability policy brings the message back. */
export class EventTooEarlyError extends Error {}

/**
 * Applies the saga's decisions: locks the order row (steps of one order never interleave, even
 * across service instances), decides, writes the new state and a history line, and carries out
 * the actions through the outbox, all in the caller's transaction. Run for every shipment event,
 * so in plain SQL: lock and read (one statement), state and history (one), the messages (one).
 */
@Injectable()
export class FulfilmentService {
  constructor(private readonly outbox: Outbox) {}

  async apply(
    tx: PgTransaction,
    orderId: string,
    event: FulfilmentEvent,
    cause: string,
  ): Promise<Decision> {
    const [order] = await tx.$queryRaw<OrderRow>`
      SELECT id, status, customer_email, shipment_id, tracking_number, deadline_message,
             cancel_reason
        FROM "order" WHERE id = ${orderId}::uuid FOR UPDATE`;
    if (!order) throw new OrderNotFoundError(orderId);
    const decision = decide(order.status, event);

    if (decision.kind === 'refuse')
      throw new OrderCancellationRefusedError(orderId, decision.reason);
    if (decision.kind === 'retry-later')
      throw new EventTooEarlyError(`${orderId}: ${decision.reason}`);
    if (decision.kind === 'ignore') {
      await tx.$executeRaw`
        INSERT INTO order_history (order_id, status, cause, note)
        VALUES (${orderId}::uuid, ${order.status}, ${cause}, ${`ignored: ${decision.note}`})`;
      return decision;
    }
    const cancelsDeadline = decision.actions.includes('cancel-deadline');
    const acted: ActedOrder = {
      id: orderId,
      customerEmail: order.customer_email,
      trackingNumber: decision.trackingNumber ?? order.tracking_number,
      cancelReason: decision.cancelReason ?? order.cancel_reason,
    };
    await tx.$executeRaw`
      WITH updated AS (
        UPDATE "order"
           SET status = ${decision.status},
               shipment_id = ${decision.shipmentId ?? order.shipment_id}::uuid,
               tracking_number = ${acted.trackingNumber},
               cancel_reason = ${acted.cancelReason},
               deadline_message = ${cancelsDeadline ? null : order.deadline_message}::uuid,
               updated_at = now()
         WHERE id = ${orderId}::uuid
        RETURNING id
      )
      INSERT INTO order_history (order_id, status, cause, note)
      SELECT id, ${decision.status}, ${cause}, ${decision.note ?? decision.cancelReason ?? null}
        FROM updated`;
    if (cancelsDeadline && order.deadline_message) {
      await this.outbox.cancelScheduled(tx, order.deadline_message);
    }
    const messages = this.outbox.batch();
    for (const action of decision.actions) this.carryOut(messages, action, acted);
    await messages.write(tx);
    return decision;
  }

  /** Adds the message an action sends, if it sends one, to the transaction's batch. */
  private carryOut(messages: OutboxBatch, action: FulfilmentAction, order: ActedOrder): void {
    switch (action) {
      case 'cancel-deadline':
        return; // A deletion, done in apply.
      case 'send-cancel-shipment':
        // Straight to shipping's queue by name, through the default exchange.
        messages.send(
          CancelShipment,
          { orderId: order.id, reason: order.cancelReason ?? 'cancelled' },
          { queue: CANCEL_SHIPMENT_QUEUE },
          this.inOrder(order.id),
        );
        return;
      case 'publish-order-shipped':
        messages.publish(
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
        messages.publish(
          OrderDelivered,
          { orderId: order.id, customerEmail: order.customerEmail },
          this.inOrder(order.id),
        );
        return;
      case 'publish-order-cancelled':
        messages.publish(
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
