import { Injectable } from '@nestjs/common';
import { DeliverNotification } from '@shopbus/contracts';
import type { MessageContext, PayloadOf } from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { transactionOf } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import { notificationEndpoints } from '../notification.endpoints';
import { recordDelivery } from './record-delivery';

/**
 * The urgent channel worker: anything high-priority or meant for SMS, as a pager rings besides
 * the mail (a high-priority email arrives here and at the email worker).
 */
@Injectable()
export class PageOnUrgentNotification {
  @MessageHandler(DeliverNotification, notificationEndpoints.urgent)
  async page(request: PayloadOf<typeof DeliverNotification>, context: MessageContext) {
    await recordDelivery(
      transactionOf<PgTransaction>(context),
      'urgent',
      request,
      context.envelope,
    );
  }
}
