import { createEnvelope } from '../lib/envelope/message-envelope';
import type { ConsumeContext } from '../lib/consuming/consume-context';
import { verifiedPublishers } from '../lib/consuming/verified-publishers';
import { NonRetryableError } from '../lib/errors';
import type { InboundMessage } from '../lib/ports/transport';

/** A delivery from `source`, published (as the transport authenticated it) by `publisher`. */
function delivery(source: string, publisher: string | undefined): ConsumeContext {
  const { payload: _payload, ...metadata } = createEnvelope({
    messageType: 'order.cancelled',
    payload: null,
    source,
  });
  const message: InboundMessage = {
    metadata,
    body: Buffer.from('{}'),
    redelivered: false,
    redeliveryCount: 0,
    publisher,
    redeliverLater: async () => undefined,
    deadLetter: async () => undefined,
  };
  return { message, endpoint: 'notification.customer-events', attempt: 1 };
}

describe('verified publishers (the rule alone; the broker side is in messaging-rabbitmq)', () => {
  const check = verifiedPublishers({
    usersBySource: { legacy: 'legacy-user' },
    trusted: ['admin'],
  });
  const run = async (context: ConsumeContext) => {
    let handled = false;
    await check(context, async () => {
      handled = true;
    });
    return handled;
  };

  it('passes a message whose publisher is its source’s user, or a trusted user', async () => {
    expect(await run(delivery('order', 'order'))).toBe(true);
    expect(await run(delivery('legacy', 'legacy-user'))).toBe(true);
    expect(await run(delivery('demo', 'admin'))).toBe(true);
  });

  it.each([
    ['another user', 'order', 'cart', 'broker user "cart" published it'],
    ['a listed source’s own name', 'legacy', 'legacy', 'broker user "legacy" published it'],
    ['no known publisher', 'order', undefined, 'its publisher is not known'],
  ])('refuses, non-retryable, a message from %s', async (_, source, publisher, reason) => {
    const refused = run(delivery(source, publisher));
    await expect(refused).rejects.toBeInstanceOf(NonRetryableError);
    await expect(refused).rejects.toThrow(reason);
  });
});
