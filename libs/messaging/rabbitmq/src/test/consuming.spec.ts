import {
  byCorrelationId,
  handlerFor,
  type MessageContext,
  type MessageEnvelope,
} from '@shopbus/messaging-core';
import { Countdown, deferred } from '@shopbus/testing';
import { DoThing, OtherThingHappened } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

describe('consuming', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture();
  });
  afterEach(() => fixture.close());

  it('an endpoint partitioned by correlation id keeps each conversation in order and runs conversations side by side', async () => {
    const handled = new Countdown<string>();
    const otherConversationDone = deferred<void>();
    let inFlight = 0;
    let mostInFlight = 0;
    await fixture.bus.subscribe({
      queue: fixture.queueName('partitioned'),
      prefetch: 16,
      partitionBy: byCorrelationId,
      handlers: [
        handlerFor(DoThing, async ({ n }, { envelope }) => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          // The first message of "a" waits until "b" has finished one: "b" must not wait for "a".
          if (envelope.correlationId === 'a' && n === 0) await otherConversationDone.promise;
          if (envelope.correlationId === 'b') otherConversationDone.resolve();
          // Give the event loop away, so that a second message of a conversation would overtake.
          await new Promise((resolve) => setImmediate(resolve));
          inFlight -= 1;
          handled.record(`${envelope.correlationId}${n}`);
        }),
      ],
    });

    for (let n = 0; n < 10; n += 1) {
      for (const conversation of ['a', 'b', 'c']) {
        await fixture.bus.send(DoThing, { n }, undefined, { correlationId: conversation });
      }
    }

    await handled.reach(30);
    for (const conversation of ['a', 'b', 'c']) {
      expect(handled.seen.filter((name) => name.startsWith(conversation))).toEqual(
        Array.from({ length: 10 }, (_, n) => `${conversation}${n}`),
      );
    }
    expect(handled.seen.indexOf('b0')).toBeLessThan(handled.seen.indexOf('a0'));
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(3);
  });

  it('a handler that rejects after the policies have run (broker gone mid-way) leaves the message queued', async () => {
    // The pipeline rejects only when settling failed; the consumer then requeues, never acks.
    const queue = fixture.queueName('unsettled');
    const calls: boolean[] = [];
    const handled = deferred<number>();
    await fixture.transport.consume(
      { queue, prefetch: 1, contracts: [DoThing], redeliveryDelaysMs: [] },
      async (message) => {
        calls.push(message.redelivered);
        if (calls.length === 1) throw new Error('could not settle');
        handled.resolve(JSON.parse(message.body.toString()).n);
      },
    );

    await fixture.bus.send(DoThing, { n: 7 });
    expect(await handled.promise).toBe(7);
    expect(calls).toEqual([false, true]);
  });

  it('a message published while handling another carries its correlation forward', async () => {
    const seen = deferred<MessageContext>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('chain'),
      handlers: [
        handlerFor(DoThing, async ({ n }) => {
          await fixture.bus.publish(OtherThingHappened, { n: n + 1 });
        }),
        handlerFor(OtherThingHappened, async (_, context) => seen.resolve(context)),
      ],
    });

    const command = await fixture.bus.send(DoThing, { n: 1 }, undefined, {
      correlationId: 'checkout-42',
    });
    const { envelope } = await seen.promise;
    expect(envelope).toMatchObject<Partial<MessageEnvelope>>({
      messageType: 'test.other-happened',
      correlationId: 'checkout-42',
      conversationId: command.messageId,
      causationId: command.messageId,
      source: 'test-service',
      payload: { n: 2 },
    });
    expect(envelope.messageId).not.toBe(command.messageId);
  });

  it('acknowledges every message exactly once when handlers finish out of order', async () => {
    // Acks are gathered into multiple acks; one covering a message still running would lose it
    // (and one for a tag acked twice would close the channel): either shows as a redelivery or
    // a message left in the queue.
    const queue = fixture.queueName('out-of-order');
    const handled = new Countdown<number>();
    const redelivered: number[] = [];
    const consumer = await fixture.transport.consume(
      { queue, prefetch: 16, contracts: [DoThing], redeliveryDelaysMs: [] },
      async (message) => {
        const { n } = JSON.parse(message.body.toString()) as { n: number };
        if (message.redelivered) redelivered.push(n);
        // Every third message finishes a few turns of the event loop later than the others.
        for (let turn = 0; turn < (n % 3) * 3; turn += 1) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        handled.record(n);
      },
    );
    await Promise.all(Array.from({ length: 60 }, (_, n) => fixture.bus.send(DoThing, { n })));
    await handled.reach(60);
    await consumer.stop();

    expect(handled.seen.slice(0, 60).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, n) => n),
    );
    expect(redelivered).toEqual([]);
    // Nothing left unacknowledged: the closed channel would have put it back in the queue.
    expect(await fixture.admin.messageCount(queue)).toBe(0);
    expect(handled.seen).toHaveLength(60);
  });

  it('closing the transport lets a running handler finish and acknowledges its message', async () => {
    const queue = fixture.queueName('graceful');
    const started = deferred();
    const finish = deferred();
    let finished = false;
    await fixture.bus.subscribe({
      queue,
      handlers: [
        handlerFor(DoThing, async () => {
          started.resolve();
          await finish.promise;
          finished = true;
        }),
      ],
    });
    await fixture.bus.send(DoThing, { n: 1 });
    await started.promise;

    const closing = fixture.transport.close();
    finish.resolve();
    await closing;

    expect(finished).toBe(true);
    expect(await fixture.admin.messageCount(queue)).toBe(0);
  });
});
