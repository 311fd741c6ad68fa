import { z } from 'zod';
import { defineCommand, defineEvent, handlerFor, NonRetryableError } from '@shopbus/messaging-core';
import { MessagingHarness } from '../lib/harness/messaging-harness';

const PlaceOrder = defineCommand('harness.place-order', z.object({ orderId: z.string() }));
const OrderPlaced = defineEvent('harness.order-placed', z.object({ orderId: z.string() }));

describe('the messaging harness', () => {
  let harness: MessagingHarness;
  afterEach(() => harness.close());

  it('records what a handler consumed and published, read after whenQuiet', async () => {
    harness = await MessagingHarness.start();
    await harness.bus.subscribe({
      queue: 'orders',
      handlers: [
        handlerFor(PlaceOrder, ({ orderId }) =>
          harness.bus.publish(OrderPlaced, { orderId }).then(() => undefined),
        ),
      ],
    });

    const sent = await harness.bus.send(PlaceOrder, { orderId: 'o-1' });
    await harness.whenQuiet();

    expect(harness.sent(PlaceOrder).map((m) => m.messageId)).toEqual([sent.messageId]);
    expect(harness.consumed(PlaceOrder)).toHaveLength(1);
    const [placed] = harness.published(OrderPlaced);
    expect(placed).toMatchObject({ payload: { orderId: 'o-1' }, causationId: sent.messageId });
  });

  it('an hour-long redelivery delay passes on the virtual clock in real milliseconds', async () => {
    const hour = 60 * 60 * 1000;
    harness = await MessagingHarness.start({
      bus: { recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [hour] } },
    });
    const attempts: number[] = [];
    await harness.bus.subscribe({
      queue: 'flaky',
      handlers: [
        handlerFor(PlaceOrder, async () => {
          attempts.push(harness.clock.now());
          if (attempts.length === 1) throw new Error('not yet');
        }),
      ],
    });

    await harness.bus.send(PlaceOrder, { orderId: 'o-2' });
    await harness.whenQuiet();
    expect(attempts).toHaveLength(1);
    expect(harness.consumed(PlaceOrder)).toHaveLength(0);

    await harness.advance(hour - 1);
    expect(attempts).toHaveLength(1);
    await harness.advance(1);

    expect(attempts).toHaveLength(2);
    expect(attempts[1] - attempts[0]).toBe(hour);
    expect(harness.consumed(PlaceOrder)).toHaveLength(1);
  });

  it('a message a handler refuses is dead-lettered with its reason and announced as faulted', async () => {
    harness = await MessagingHarness.start({
      bus: { recoverability: { publishFaultEvents: true } },
    });
    await harness.bus.subscribe({
      queue: 'strict',
      handlers: [
        handlerFor(PlaceOrder, async () => {
          throw new NonRetryableError('order o-3 is unknown');
        }),
      ],
    });

    await harness.bus.send(PlaceOrder, { orderId: 'o-3' });
    await harness.whenQuiet();

    expect(harness.deadLettered(PlaceOrder)).toEqual([
      expect.objectContaining({ queue: 'strict', reason: 'order o-3 is unknown' }),
    ]);
    expect(harness.faulted(PlaceOrder)[0].payload).toMatchObject({
      fault: { errorMessage: 'order o-3 is unknown' },
      message: { orderId: 'o-3' },
    });
    const { messages } = await harness.bus.transport.deadLetterQueues().list('strict');
    expect(messages.map((m) => m.reason)).toEqual(['order o-3 is unknown']);
  });

  it('whenQuiet waits for a probe that reports work left (a service outbox)', async () => {
    harness = await MessagingHarness.start();
    let pending = 3;
    harness.addProbe(async () => {
      pending = Math.max(0, pending - 1);
      return pending === 0;
    });

    await harness.whenQuiet();

    expect(pending).toBe(0);
  });
});
