import { Injectable } from '@nestjs/common';
import { DeliverNotification } from '@shopbus/contracts';
import type { MessageContext, PayloadOf } from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { transactionOf } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import { notificationEndpoints } from '../notification.endpoints';
import { recordDelivery } from './record-delivery';

/** The email channel worker: every notification whose `channel` header is `email`. */
@Injectable()
export class SendEmail {
  @MessageHandler(DeliverNotification, notificationEndpoints.email)
  async send(request: PayloadOf<typeof DeliverNotification>, context: MessageContext) {
    await recordDelivery(transactionOf<PgTransaction>(context), 'email', request, context.envelope);
  }
}
