import { Injectable, Logger } from '@nestjs/common';
import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  CreateShipment,
  QuoteShipping,
} from '@shopbus/contracts';
import type { MessageContext, PayloadOf, ResponseOf } from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { Inbox } from '@shopbus/messaging-outbox';
import { quoteFor } from '../rates/shipping-rates';
import { ShippingPrisma } from '../shipping-prisma.service';
import { ShipmentsService } from './shipments.service';

/** What other services ask of shipping: quotes (request/response), shipments and cancellations. */
@Injectable()
export class ShippingRequestsHandler {
  private readonly logger = new Logger(ShippingRequestsHandler.name);

  constructor(
    private readonly shipments: ShipmentsService,
    private readonly prisma: ShippingPrisma,
    private readonly inbox: Inbox,
  ) {}

  @MessageHandler(QuoteShipping, { queue: 'shipping.quote' })
  async quote({
    country,
    itemCount,
  }: PayloadOf<typeof QuoteShipping>): Promise<ResponseOf<typeof QuoteShipping>> {
    return quoteFor(country, itemCount);
  }

  @MessageHandler(CreateShipment, { queue: 'shipping.create-shipment' })
  async createShipment(
    command: PayloadOf<typeof CreateShipment>,
    context: MessageContext,
  ): Promise<void> {
    await this.inbox.handleOnce(this.prisma.sql, context, 'shipping.create-shipment', (tx) =>
      this.shipments.create(tx, command),
    );
  }

  /** Arrives straight on this queue through the default exchange: the saga names the queue. */
  @MessageHandler(CancelShipment, { queue: CANCEL_SHIPMENT_QUEUE })
  async cancelShipment(
    { orderId, reason }: PayloadOf<typeof CancelShipment>,
    context: MessageContext,
  ): Promise<void> {
    await this.inbox.handleOnce(
      this.prisma.sql,
      context,
      'shipping.cancel-shipment',
      async (tx) => {
        const cancelled = await this.shipments.cancelForOrder(tx, orderId);
        if (!cancelled)
          this.logger.log({
            msg: 'shipment not cancelled: it is past that point',
            orderId,
            reason,
          });
      },
    );
  }
}
