import { createEnvelope } from '../lib/envelope/message-envelope';
import type { ConsumeContext } from '../lib/consuming/consume-context';
import { sendersOf, verifiedPublishers } from '../lib/consuming/verified-publishers';
import { defineCommand, defineEvent } from '../lib/contracts/message-contract';
import { OutgoingMessages } from '../lib/bus/outgoing-messages';
import { z } from 'zod';
import { NonRetryableError } from '../lib/errors';
import type { InboundMessage } from '../lib/ports/transport';

/** A delivery from `source`, published (as the transport authenticated it) by `publisher`. */
function delivery(
  source: string,
  publisher: string | undefined,
  messageType = 'order.cancelled',
): ConsumeContext {
  const { payload: _payload, ...metadata } = createEnvelope({
    messageType,
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

describe('who may send a type: the contracts’ senders', () => {
  const CreateShipment = defineCommand('shipping.create-shipment', z.object({}), {
    senders: ['order'],
  });
  const AnyoneSays = defineEvent('anyone.says', z.object({}));
  const check = verifiedPublishers({
    trusted: ['admin'],
    senders: sendersOf([CreateShipment, AnyoneSays]),
  });
  const run = (context: ConsumeContext) => check(context, async () => undefined);

  it('passes a type from a listed sender, from anyone where none are listed, and from a trusted user', async () => {
    await run(delivery('order', 'order', 'shipping.create-shipment'));
    await run(delivery('cart', 'cart', 'anyone.says'));
    await run(delivery('demo', 'admin', 'shipping.create-shipment'));
  });

  it('refuses, non-retryable, a type its own verified sender may not send', async () => {
    // The cart's own user, in its own name, straight into the shipping queue.
    const refused = run(delivery('cart', 'cart', 'shipping.create-shipment'));
    await expect(refused).rejects.toBeInstanceOf(NonRetryableError);
    await expect(refused).rejects.toThrow(
      '"shipping.create-shipment" may be sent only by order, not by "cart"',
    );
  });

  it('stops a bus that declares it sends what it may not, and a contract with no senders', () => {
    expect(() => new OutgoingMessages('cart', [CreateShipment])).toThrow(
      'cart declares that it sends "shipping.create-shipment" (sent only by order): receivers would refuse it',
    );
    expect(() => defineEvent('nobody.says', z.object({}), { senders: [] })).toThrow(
      'names no senders',
    );
  });
});
