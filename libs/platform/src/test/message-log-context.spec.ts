import { createEnvelope, runInMessageScope } from '@shopbus/messaging-core';
import { messageLogContext } from '../lib/logging/service-logger.module';

describe('the log context of a handled message', () => {
  it('is empty outside a handler and names the message inside one, across awaits', async () => {
    const { payload: _payload, ...message } = createEnvelope({
      messageType: 'order.placed',
      payload: {},
      source: 'order',
      correlationId: 'order-42',
    });
    expect(messageLogContext()).toEqual({});

    const inside = await runInMessageScope(message, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return messageLogContext();
    });

    expect(inside).toEqual({
      correlationId: 'order-42',
      messageId: message.messageId,
      messageType: 'order.placed',
    });
  });
});
