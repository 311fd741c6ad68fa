import { handlerFor, NonRetryableError } from '@shopbus/messaging-core';
import { Countdown } from '@shopbus/testing';
import { naming } from '../lib/topology/naming';
import { DoThing, ThingHappened } from './test-contracts';
import { headersOf, startTransportFixture, type TransportFixture } from './transport-fixture';

describe('recoverability: retries, delayed redelivery and the dead-letter queue', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture(
      {},
      {
        recoverability: {
          immediateAttempts: 2,
          immediateIntervalMs: 10,
          redeliveryDelaysMs: [300, 600],
        },
      },
    );
  });
  afterEach(() => fixture.close());

  it('a handler that fails once then succeeds is called twice and the message is acked once', async () => {
    const queue = fixture.queueName('flaky');
    const calls = new Countdown<number>();
    await fixture.bus.subscribe({
      queue,
      handlers: [
        handlerFor(DoThing, async ({ n }) => {
          calls.record(n);
          if (calls.seen.length === 1) throw new Error('transient');
        }),
      ],
    });
    await fixture.bus.send(DoThing, { n: 1 });
    await calls.reach(2);
    await fixture.transport.close();

    expect(calls.seen).toEqual([1, 1]);
    expect(await fixture.admin.messageCount(queue)).toBe(0);
    expect(await fixture.admin.messageCount(naming.deadLetterQueue(queue))).toBe(0);
  });

  it('a handler that always fails runs immediate × (delayed + 1) times, each delay really waited, then the message is in <queue>.dlq with its fault', async () => {
    const queue = fixture.queueName('broken');
    const callTimes: number[] = [];
    await fixture.bus.subscribe({
      queue,
      handlers: [
        handlerFor(DoThing, async () => {
          callTimes.push(Date.now());
          throw new TypeError('the warehouse API is down');
        }),
      ],
    });
    const sent = await fixture.bus.send(DoThing, { n: 5 }, undefined, {
      correlationId: 'order-77',
    });

    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    expect(callTimes).toHaveLength(2 * (2 + 1));
    expect(callTimes[2] - callTimes[1]).toBeGreaterThanOrEqual(300);
    expect(callTimes[4] - callTimes[3]).toBeGreaterThanOrEqual(600);

    expect(dead.properties.messageId).toBe(sent.messageId);
    expect(dead.properties.correlationId).toBe('order-77');
    expect(JSON.parse(dead.content.toString())).toEqual({ n: 5 });
    expect(headersOf(dead)).toMatchObject({
      'fault-message': 'the warehouse API is down',
      'fault-type': 'TypeError',
      'fault-attempts': 6,
      'fault-service': 'test-service',
      'fault-queue': queue,
      'fault-original-exchange': fixture.transport.commandsExchange,
      'fault-original-routing-key': 'test.do-thing',
      'redelivery-count': 2,
    });
    expect(String(headersOf(dead)['fault-stack'])).toMatch(
      /^TypeError: the warehouse API is down\n\s+at /,
    );
    expect(Date.parse(String(headersOf(dead)['fault-failed-at']))).not.toBeNaN();
    expect(await fixture.admin.messageCount(queue)).toBe(0);
  });

  it.each([
    [
      'malformed JSON',
      '{"n":',
      { type: 'test.do-thing' },
      'MalformedMessageError',
      /not valid JSON/,
    ],
    [
      'a message without a type',
      '{"n":1}',
      {},
      'UnknownMessageTypeError',
      /for message type "\(none\)"/,
    ],
    [
      'a type no handler here subscribes to',
      '{"n":1}',
      { type: 'test.unheard-of' },
      'UnknownMessageTypeError',
      /"test.unheard-of"/,
    ],
    [
      'a payload that breaks the schema',
      '{"n":"one"}',
      { type: 'test.do-thing' },
      'MessageValidationError',
      /n: Invalid input/,
    ],
  ])(
    '%s goes to the dead-letter queue with its reason after a single attempt',
    async (_, body, properties, errorType, reason) => {
      const queue = fixture.queueName('strict');
      const handle = jest.fn(async () => undefined);
      await fixture.bus.subscribe({ queue, handlers: [handlerFor(DoThing, handle)] });

      await fixture.admin.publishRaw(queue, body, { messageId: 'raw-1', ...properties });
      const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));

      expect(handle).not.toHaveBeenCalled();
      expect(dead.content.toString()).toBe(body);
      expect(headersOf(dead)).toMatchObject({ 'fault-type': errorType, 'fault-attempts': 1 });
      expect(String(headersOf(dead)['fault-message'])).toMatch(reason);
    },
  );

  it('a handler error marked non-retryable skips every retry', async () => {
    const queue = fixture.queueName('refusing');
    let calls = 0;
    await fixture.bus.subscribe({
      queue,
      handlers: [
        handlerFor(ThingHappened, async () => {
          calls += 1;
          throw new NonRetryableError('customer account closed');
        }),
      ],
    });
    await fixture.bus.publish(ThingHappened, { n: 1 });
    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    expect(calls).toBe(1);
    expect(headersOf(dead)).toMatchObject({
      'fault-type': 'NonRetryableError',
      'fault-message': 'customer account closed',
    });
  });

  it('with prefetch N, one poison message does not hold up the others', async () => {
    const queue = fixture.queueName('mixed');
    const good = new Countdown<number>();
    await fixture.bus.subscribe({
      queue,
      prefetch: 2,
      handlers: [
        handlerFor(DoThing, async ({ n }) => {
          if (n === 0) throw new Error('poison');
          good.record(n);
        }),
      ],
    });
    for (let n = 0; n <= 20; n += 1) await fixture.bus.send(DoThing, { n });

    await good.reach(20);
    expect(good.seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    expect(JSON.parse(dead.content.toString())).toEqual({ n: 0 });
  });

  it('an endpoint’s own policy overrides the bus’s: its attempts and its redelivery delays', async () => {
    const queue = fixture.queueName('own-policy');
    fixture.admin.track({ queues: [naming.retryQueue(queue, 200)] });
    const callTimes: number[] = [];
    await fixture.bus.subscribe({
      queue,
      recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [200] },
      handlers: [
        handlerFor(DoThing, async () => {
          callTimes.push(Date.now());
          throw new Error('still down');
        }),
      ],
    });
    await fixture.bus.send(DoThing, { n: 9 });

    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    expect(callTimes).toHaveLength(1 * (1 + 1));
    expect(callTimes[1] - callTimes[0]).toBeGreaterThanOrEqual(200);
    expect(headersOf(dead)).toMatchObject({ 'fault-attempts': 2, 'redelivery-count': 1 });
    expect(await fixture.admin.queueExists(naming.retryQueue(queue, 200))).toBe(true);
  });
});
