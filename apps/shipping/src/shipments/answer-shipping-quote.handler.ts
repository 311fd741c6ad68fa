import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { QuoteShipping } from '@shopbus/contracts';
import type { PayloadOf, ResponseOf } from '@shopbus/messaging-core';
import { quoteFor } from '../rates/shipping-rates';
import { shippingEndpoints } from '../shipping.endpoints';

/**
 * Answers the checkout's shipping quote (request/response, while the customer waits).
 *
 * Shipping's handlers are written in Nest's microservice style, beside the `@MessageHandler`
 * style of the other services: `@MessagePattern` answers a query, `@EventPattern` takes a command
 * or an event, the extras name the endpoint. The ShopbusServer strategy runs them on the same bus,
 * with the same validation by contract, retries, dead-letter queues and inbox.
 */
@Controller()
export class AnswerShippingQuote {
  @MessagePattern(QuoteShipping.type, shippingEndpoints.quote)
  async quote(
    @Payload() { country, itemCount }: PayloadOf<typeof QuoteShipping>,
  ): Promise<ResponseOf<typeof QuoteShipping>> {
    return quoteFor(country, itemCount);
  }
}
