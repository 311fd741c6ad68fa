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
import { SHIPPING_CONFIG } from '../shipping.tokens';
import type { ShippingConfig } from '../config';
import { addressProblem } from '../rates/shipping-rates';
import { ShippingPrisma } from '../shipping-prisma.service';
import type { Prisma } from '../generated/prisma/client';
import { ShipmentNotFoundError, ShipmentStateError } from './shipment-errors';

type Tx = Prisma.TransactionClient;

/** Postal code for which the courier simulation never picks the shipment up (the demo's timeout). */
export const COURIER_NEVER_COMES = '99999';

/** The courier's own queue for its scheduled steps. */
export const COURIER_QUEUE = 'shipping.courier';

/**
 * Shipments and their lifecycle. Every change is written with its event in one transaction
 * (the outbox), and each step is a conditional update, so two concurrent attempts at the same
 * step (a REST call racing the courier) cannot both succeed.
 */
@Injectable()
export class ShipmentsService {
  constructor(
    private readonly prisma: ShippingPrisma,
    private readonly outbox: Outbox,
    @Inject(SHIPPING_CONFIG) private readonly config: ShippingConfig,
  ) {}

  /** Creates the order's shipment, or a failed one when the address cannot be served. */
  async create(tx: Tx, command: PayloadOf<typeof CreateShipment>): Promise<void> {
    // One shipment per order, whatever the number of commands that ask for it.
    if (await tx.shipment.findUnique({ where: { orderId: command.orderId } })) return;
    const address = command.shippingAddress;
    const itemCount = command.items.reduce((sum, item) => sum + item.quantity, 0);
    const problem = addressProblem(address);
    const deliverable = problem === undefined;
    const shipmentId = randomUUID();
    await tx.shipment.create({
      data: {
        id: shipmentId,
        orderId: command.orderId,
        status: deliverable ? 'created' : 'failed',
        recipient: address.name,
        street: address.street,
        city: address.city,
        postalCode: address.postalCode,
        country: address.country,
        itemCount,
        failureReason: problem ?? null,
      },
    });
    if (!deliverable) {
      await this.outbox.publish(tx, ShipmentFailed, {
        orderId: command.orderId,
        reason: problem ?? 'undeliverable',
      });
      return;
    }
    await this.outbox.publish(tx, ShipmentCreated, { orderId: command.orderId, shipmentId });
    // The demo's courier never comes for postal code 99999: that order runs into its deadline.
    if (this.config.courier.enabled && address.postalCode !== COURIER_NEVER_COMES) {
      await this.outbox.schedule(
        tx,
        CourierDispatch,
        { shipmentId },
        {
          delayMs: this.config.courier.dispatchAfterMs,
          destination: { queue: COURIER_QUEUE },
        },
      );
    }
  }

  /**
   * Cancels the order's shipment unless it left the warehouse. Resolves false when there is
   * nothing to cancel any more (dispatched, delivered, failed, cancelled); throws while the
   * shipment does not exist yet (its create command may still be on its way: a retry finds it).
   */
  async cancelForOrder(tx: Tx, orderId: string): Promise<boolean> {
    const shipment = await tx.shipment.findUnique({ where: { orderId } });
    if (!shipment) throw new Error(`No shipment for order ${orderId} yet`);
    const cancelled = await tx.shipment.updateMany({
      where: { id: shipment.id, status: 'created' },
      data: { status: 'cancelled', cancelledAt: new Date() },
    });
    if (cancelled.count === 0) return false;
    await this.outbox.publish(tx, ShipmentCancelled, { orderId, shipmentId: shipment.id });
    return true;
  }

  dispatch(shipmentId: string) {
    return this.prisma.$transaction(async (tx) => {
      const trackingNumber = `TRK-${randomBytes(5).toString('hex').toUpperCase()}`;
      const shipment = await this.step(tx, shipmentId, 'created', 'dispatched', {
        status: 'dispatched',
        trackingNumber,
        dispatchedAt: new Date(),
      });
      await this.outbox.publish(
        tx,
        ShipmentDispatched,
        { orderId: shipment.orderId, shipmentId, trackingNumber },
        inOrder(shipment.orderId),
      );
      if (this.config.courier.enabled) {
        await this.outbox.schedule(
          tx,
          CourierDeliver,
          { shipmentId },
          {
            delayMs: this.config.courier.deliverAfterMs,
            destination: { queue: COURIER_QUEUE },
          },
        );
      }
      return shipment;
    });
  }

  deliver(shipmentId: string) {
    return this.prisma.$transaction(async (tx) => {
      const shipment = await this.step(tx, shipmentId, 'dispatched', 'delivered', {
        status: 'delivered',
        deliveredAt: new Date(),
      });
      await this.outbox.publish(
        tx,
        ShipmentDelivered,
        { orderId: shipment.orderId, shipmentId },
        inOrder(shipment.orderId),
      );
      return shipment;
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

  /** Moves the shipment from `from` to the new state, or says why it cannot. */
  private async step(
    tx: Tx,
    shipmentId: string,
    from: string,
    stepName: string,
    data: Prisma.ShipmentUpdateManyMutationInput,
  ) {
    const moved = await tx.shipment.updateMany({ where: { id: shipmentId, status: from }, data });
    const shipment = await tx.shipment.findUnique({ where: { id: shipmentId } });
    if (!shipment) throw new ShipmentNotFoundError(shipmentId);
    if (moved.count === 0) throw new ShipmentStateError(shipmentId, shipment.status, stepName);
    return shipment;
  }
}

/**
 * A step taken through the REST API has no message to inherit the order's correlation from: it
 * is set from the order id, as the checkout set it, so the audit journey stays whole.
 */
function inOrder(orderId: string) {
  return { correlationId: orderId, partitionKey: orderId };
}
