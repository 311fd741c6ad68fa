import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CreateShipment } from '@shopbus/contracts';
import type { MessageContext, PayloadOf } from '@shopbus/messaging-core';
import { transactionOf } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import { shippingEndpoints } from '../shipping.endpoints';
import { ShipmentsService } from './shipments.service';

/** Creates the shipment the order saga asks for (once, however often the command arrives). */
@Controller()
export class CreateShipmentOnCommand {
  constructor(private readonly shipments: ShipmentsService) {}

  @EventPattern(CreateShipment.type, shippingEndpoints.createShipment)
  async createShipment(
    @Payload() command: PayloadOf<typeof CreateShipment>,
    @Ctx() context: MessageContext,
  ): Promise<void> {
    await this.shipments.create(transactionOf<PgTransaction>(context), command);
  }
}
