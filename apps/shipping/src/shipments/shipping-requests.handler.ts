import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  CreateShipment,
  QuoteShipping,
} from '@shopbus/contracts';
import type { MessageContext, PayloadOf, ResponseOf } from '@shopbus/messaging-core';
import { Inbox } from '@shopbus/messaging-outbox';
import { quoteFor } from '../rates/shipping-rates';
import { ShippingPrisma } from '../shipping-prisma.service';
import { ShipmentsService } from './shipments.service';

/**
 * What other services ask of shipping: quotes (request/response), shipments and cancellations.
 *
 * Written in Nest's microservice style, to show it beside the `@MessageHandler` style of the
 * other services: `@MessagePattern` answers a query, `@EventPattern` takes a command (or an
 * event), and the extras name the endpoint. The ShopbusServer strategy runs them on the same
 * bus, with the same validation by contract, retries and dead-letter queues.
 */
@Controller()
export class ShippingRequestsHandler {
  private readonly logger = new Logger(ShippingRequestsHandler.name);

  constructor(
    private readonly shipments: ShipmentsService,
    private readonly prisma: ShippingPrisma,
    private readonly inbox: Inbox,
  ) {}

  @MessagePattern(QuoteShipping.type, { queue: 'shipping.quote' })
  async quote(
    @Payload() { country, itemCount }: PayloadOf<typeof QuoteShipping>,
  ): Promise<ResponseOf<typeof QuoteShipping>> {
    return quoteFor(country, itemCount);
  }

  @EventPattern(CreateShipment.type, { queue: 'shipping.create-shipment' })
  async createShipment(
    @Payload() command: PayloadOf<typeof CreateShipment>,
    @Ctx() context: MessageContext,
  ): Promise<void> {
    await this.inbox.handleOnce(this.prisma.sql, context, 'shipping.create-shipment', (tx) =>
      this.shipments.create(tx, command),
    );
  }

  /** Arrives straight on this queue through the default exchange: the saga names the queue. */
  @EventPattern(CancelShipment.type, { queue: CANCEL_SHIPMENT_QUEUE })
  async cancelShipment(
    @Payload() { orderId, reason }: PayloadOf<typeof CancelShipment>,
    @Ctx() context: MessageContext,
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
