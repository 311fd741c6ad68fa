import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  CourierDeliver,
  CourierDispatch,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentDelivered,
  ShipmentDispatched,
  ShipmentFailed,
  type CreateShipment,
} from '@shopbus/contracts';
import type { PayloadOf } from '@shopbus/messaging-core';
import { Outbox } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import { shippingEndpoints } from '../shipping.endpoints';
import { SHIPPING_CONFIG } from '../shipping.tokens';
import type { ShippingConfig } from '../config';
import { addressProblem } from '../rates/shipping-rates';
import { ShippingPrisma } from '../shipping-prisma.service';
import { ShipmentNotFoundError, ShipmentStateError } from './shipment-errors';

/** Postal code for which the courier simulation never picks the shipment up (the demo's timeout). */
export const COURIER_NEVER_COMES = '99999';

/**
 * Shipments and their lifecycle. Every change is written with its event in one transaction
 * (the outbox), and each step is a conditional update, so two concurrent attempts at the same
 * step (a REST call racing the courier) cannot both succeed. The steps run for every order, so
 * they are plain SQL on the service's pool (`prisma.sql`); reads for REST go through Prisma.
 */
@Injectable()
export class ShipmentsService {
  constructor(
    private readonly prisma: ShippingPrisma,
    private readonly outbox: Outbox,
    @Inject(SHIPPING_CONFIG) private readonly config: ShippingConfig,
  ) {}

  /** Creates the order's shipment, or a failed one when the address cannot be served. */
  async create(tx: PgTransaction, command: PayloadOf<typeof CreateShipment>): Promise<void> {
    const address = command.shippingAddress;
    const itemCount = command.items.reduce((sum, item) => sum + item.quantity, 0);
    const problem = addressProblem(address);
    const deliverable = problem === undefined;
    const shipmentId = randomUUID();
    // One shipment per order (order_id is unique), whatever the number of commands that ask.
    const created = await tx.$executeRaw`
      INSERT INTO shipment
        (id, order_id, status, recipient, street, city, postal_code, country, item_count,
         failure_reason)
      VALUES
        (${shipmentId}::uuid, ${command.orderId}::uuid, ${deliverable ? 'created' : 'failed'},
         ${address.name}, ${address.street}, ${address.city}, ${address.postalCode},
         ${address.country}, ${itemCount}, ${problem ?? null})
      ON CONFLICT (order_id) DO NOTHING`;
    if (created === 0) return;
    const messages = this.outbox.batch();
    if (!deliverable) {
      messages.publish(ShipmentFailed, { orderId: command.orderId, reason: problem });
    } else {
      messages.publish(ShipmentCreated, { orderId: command.orderId, shipmentId });
      // The demo's courier never comes for postal code 99999: that order runs into its deadline.
      if (this.config.courier.enabled && address.postalCode !== COURIER_NEVER_COMES) {
        messages.schedule(
          CourierDispatch,
          { shipmentId },
          {
            delayMs: this.config.courier.dispatchAfterMs,
            destination: { queue: shippingEndpoints.courier.queue },
          },
        );
      }
    }
    await messages.write(tx);
  }

  /**
   * Cancels the order's shipment unless it left the warehouse. Resolves false when there is
   * nothing to cancel any more (dispatched, delivered, failed, cancelled); throws while the
   * shipment does not exist yet (its create command may still be on its way: a retry finds it).
   */
  async cancelForOrder(tx: PgTransaction, orderId: string): Promise<boolean> {
    const [cancelled] = await tx.$queryRaw<{ id: string }>`
      UPDATE shipment SET status = 'cancelled', cancelled_at = now()
       WHERE order_id = ${orderId}::uuid AND status = 'created'
      RETURNING id`;
    if (cancelled) {
      await this.outbox.publish(tx, ShipmentCancelled, { orderId, shipmentId: cancelled.id });
      return true;
    }
    const [exists] = await tx.$queryRaw`SELECT 1 FROM shipment WHERE order_id = ${orderId}::uuid`;
    if (!exists) throw new Error(`No shipment for order ${orderId} yet`);
    return false;
  }

  /** Hands the shipment to the carrier (from `created`), with `shipment.dispatched`. */
  dispatch(shipmentId: string): Promise<void> {
    return this.prisma.sql.$transaction(async (tx) => {
      const trackingNumber = `TRK-${randomBytes(5).toString('hex').toUpperCase()}`;
      const [moved] = await tx.$queryRaw<{ order_id: string }>`
        UPDATE shipment
           SET status = 'dispatched', tracking_number = ${trackingNumber}, dispatched_at = now()
         WHERE id = ${shipmentId}::uuid AND status = 'created'
        RETURNING order_id`;
      if (!moved) throw await this.whyNot(tx, shipmentId, 'dispatched');
      const messages = this.outbox.batch();
      messages.publish(
        ShipmentDispatched,
        { orderId: moved.order_id, shipmentId, trackingNumber },
        inOrder(moved.order_id),
      );
      if (this.config.courier.enabled) {
        messages.schedule(
          CourierDeliver,
          { shipmentId },
          {
            delayMs: this.config.courier.deliverAfterMs,
            destination: { queue: shippingEndpoints.courier.queue },
          },
        );
      }
      await messages.write(tx);
    });
  }

  /** Records the delivery (from `dispatched`), with `shipment.delivered`. */
  deliver(shipmentId: string): Promise<void> {
    return this.prisma.sql.$transaction(async (tx) => {
      const [moved] = await tx.$queryRaw<{ order_id: string }>`
        UPDATE shipment SET status = 'delivered', delivered_at = now()
         WHERE id = ${shipmentId}::uuid AND status = 'dispatched'
        RETURNING order_id`;
      if (!moved) throw await this.whyNot(tx, shipmentId, 'delivered');
      await this.outbox.publish(
        tx,
        ShipmentDelivered,
        { orderId: moved.order_id, shipmentId },
        inOrder(moved.order_id),
      );
    });
  }

  async get(shipmentId: string) {
    const shipment = await this.prisma.shipment.findUnique({ where: { id: shipmentId } });
    if (!shipment) throw new ShipmentNotFoundError(shipmentId);
    return shipment;
  }

  async findByOrder(orderId: string) {
    return this.prisma.shipment.findUnique({ where: { orderId } });
  }

  /** Why a step's conditional update moved nothing: no such shipment, or it is in another state. */
  private async whyNot(tx: PgTransaction, shipmentId: string, stepName: string): Promise<Error> {
    const [shipment] = await tx.$queryRaw<{ status: string }>`
      SELECT status FROM shipment WHERE id = ${shipmentId}::uuid`;
    return shipment
      ? new ShipmentStateError(shipmentId, shipment.status, stepName)
      : new ShipmentNotFoundError(shipmentId);
  }
}

/**
 * A step taken through the REST API has no message to inherit the order's correlation from: it
 * is set from the order id, as the checkout set it, so the audit journey stays whole.
 */
function inOrder(orderId: string) {
  return { correlationId: orderId, partitionKey: orderId };
}
