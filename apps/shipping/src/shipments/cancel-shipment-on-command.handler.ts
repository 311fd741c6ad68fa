import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CancelShipment } from '@shopbus/contracts';
import type { MessageContext, PayloadOf } from '@shopbus/messaging-core';
import { transactionOf } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import { shippingEndpoints } from '../shipping.endpoints';
import { ShipmentsService } from './shipments.service';

/**
 * Cancels an order's shipment when the saga compensates; one already dispatched is past that
 * point and stays as it is.
 */
@Controller()
export class CancelShipmentOnCommand {
  private readonly logger = new Logger(CancelShipmentOnCommand.name);

  constructor(private readonly shipments: ShipmentsService) {}

  @EventPattern(CancelShipment.type, shippingEndpoints.cancelShipment)
  async cancelShipment(
    @Payload() { orderId, reason }: PayloadOf<typeof CancelShipment>,
    @Ctx() context: MessageContext,
  ): Promise<void> {
    const cancelled = await this.shipments.cancelForOrder(
      transactionOf<PgTransaction>(context),
      orderId,
    );
    if (!cancelled) {
      this.logger.log({ msg: 'shipment not cancelled: it is past that point', orderId, reason });
    }
  }
}
