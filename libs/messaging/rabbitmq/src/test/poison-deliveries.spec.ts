import {
  FAULT_EVENT_MAX_COPIED_BYTES,
  handlerFor,
  type InboundMessage,
} from '@shopbus/messaging-core';
import { Countdown, until, uniqueName } from '@shopbus/testing';
import { naming } from '../lib/topology/naming';
import { DoThing } from './test-contracts';
import { headersOf, startTransportFixture, type TransportFixture } from './transport-fixture';

/**
 * What a sender (a foreign client, a bug, an attacker with broker credentials) can put into an
 * endpoint's queue, and what must come of it: the message in `<queue>.dlq` with the reason, the
 * endpoint consuming on, nothing looping, nothing dropped.
 */
describe('no single delivery can break an endpoint', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture(
      {},
      {
        recoverability: {
          immediateAttempts: 2,
          immediateIntervalMs: 10,
          redeliveryDelaysMs: [200, 400],
          publishFaultEvents: true,
        },
      },
    );
  });
  afterEach(() => fixture.close());

  /** An endpoint for DoThing whose handler records what it handled (and fails on n < 0). */
  const endpoint = async (prefetch = 1) => {
    const queue = fixture.queueName('endpoint');
    const handled = new Countdown<number>();
    await fixture.bus.subscribe({
      queue,
      prefetch,
      handlers: [
        handlerFor(DoThing, async ({ n }) => {
          if (n < 0) throw new TypeError(`cannot do ${n}`);
          handled.record(n);
        }),
      ],
    });
    return { queue, handled };
  };

  /** Every event published on the fixture's events exchange, from now on. */
  const everyEvent = async () => {
    const queue = uniqueName('every-event');
    fixture.admin.track({ queues: [queue] });
    await fixture.declare({
      queues: [{ name: queue }],
      bindings: [{ source: fixture.transport.eventsExchange, destination: queue, pattern: '#' }],
    });
    return queue;
  };

  it.each([
    [
      'a timestamp no clock can show (10^15 s)',
      { timestamp: 1e15 },
      /timestamp property 1000000000000000/,
    ],
    [
      'a sent-at header that is not a time',
      { headers: { 'sent-at': 'yesterday' } },
      /sent-at header/,
    ],
    ['a message-version of zero', { headers: { 'message-version': 0 } }, /message-version header/],
  ])(
    '%s is dead-lettered with the reason, and the endpoint consumes on',
    async (_, properties, reason) => {
      const { queue, handled } = await endpoint();
      await fixture.admin.publishRaw(queue, '{"n":1}', {
        messageId: 'odd-1',
        type: DoThing.type,
        ...properties,
      });
      const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
      expect(headersOf(dead)).toMatchObject({ 'fault-type': 'MalformedMessageError' });
      expect(String(headersOf(dead)['fault-message'])).toMatch(reason);

      await fixture.bus.send(DoThing, { n: 2 });
      expect(await handled.reach(1)).toEqual([2]);
      expect(fixture.transport.idleEndpoints()).toEqual([]);
    },
  );

  it('two different messages without a message id both go to the dead-letter queue, neither is handled', async () => {
    const { queue, handled } = await endpoint();
    await fixture.admin.publishRaw(queue, '{"n":1}', { type: DoThing.type });
    await fixture.admin.publishRaw(queue, '{"n":2}', { type: DoThing.type });

    const dead = await fixture.admin.nextMessages(naming.deadLetterQueue(queue), 2);
    expect(dead.map((message) => message.content.toString()).sort()).toEqual([
      '{"n":1}',
      '{"n":2}',
    ]);
    for (const message of dead) {
      expect(String(headersOf(message)['fault-message'])).toMatch(/no message id/);
    }
    expect(handled.seen).toEqual([]);
  });

  it('a type too long to announce as <type>.faulted is dead-lettered once, without a fault event, and does not loop', async () => {
    const { queue, handled } = await endpoint();
    const events = await everyEvent();
    const longType = `test.${'x'.repeat(245)}`;
    await fixture.admin.publishRaw(queue, '{"n":1}', { messageId: 'long-1', type: longType });

    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    expect(dead.properties.type).toBe(longType);
    expect(headersOf(dead)).toMatchObject({ 'fault-type': 'UnknownMessageTypeError' });
    // The fault event would have been published (and routed) before the dead letter.
    expect(await fixture.admin.messageCount(events)).toBe(0);
    await fixture.bus.send(DoThing, { n: 3 });
    expect(await handled.reach(1)).toEqual([3]);
    expect(await fixture.admin.messageCount(queue)).toBe(0);
  });

  it('no fault event is announced for a failed fault event, so faults cannot chain', async () => {
    const { queue } = await endpoint();
    const events = await everyEvent();
    await fixture.admin.publishRaw(queue, '{"n":1}', {
      messageId: 'fault-1',
      type: 'test.do-thing.faulted',
    });

    await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    expect(await fixture.admin.messageCount(events)).toBe(0);
  });

  it('a fault event describes a body over its copy limit instead of carrying it', async () => {
    const { queue } = await endpoint();
    const events = await everyEvent();
    const padding = 'p'.repeat(FAULT_EVENT_MAX_COPIED_BYTES);
    await fixture.admin.publishRaw(queue, JSON.stringify({ n: -1, padding }), {
      messageId: 'big-1',
      type: DoThing.type,
    });

    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue), 1, 15_000);
    expect(dead.content.length).toBeGreaterThan(FAULT_EVENT_MAX_COPIED_BYTES);
    const [announcement] = await fixture.admin.nextMessages(events);
    expect(announcement.properties.type).toBe('test.do-thing.faulted');
    expect(announcement.content.length).toBeLessThan(2048);
    expect(JSON.parse(announcement.content.toString()).message).toEqual({
      omitted: expect.stringMatching(/^a body of \d+ bytes, over 65536$/),
    });
  });

  it('a sender’s redelivery-count and fault headers are ignored: the full policy runs and the dead letter shows the real fault', async () => {
    const { queue, handled } = await endpoint();
    // The policy: 2 immediate attempts × (2 delays + 1) = 6 calls, whatever the sender claims.
    await fixture.admin.publishRaw(queue, '{"n":-1}', {
      messageId: 'forged-1',
      type: DoThing.type,
      headers: {
        'redelivery-count': 99,
        'fault-message': 'forged by the sender',
        'fault-service': 'nobody',
        'fault-original-exchange': 'made.up',
      },
    });

    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue), 1, 15_000);
    expect(headersOf(dead)).toMatchObject({
      'fault-message': 'cannot do -1',
      'fault-type': 'TypeError',
      'fault-attempts': 6,
      'fault-service': 'test-service',
      'fault-original-exchange': '',
      'fault-original-routing-key': queue,
      'redelivery-count': 2,
    });
    expect(handled.seen).toEqual([]);
  });

  it('a delivery its pipeline cannot settle is returned once, then the broker dead-letters it', async () => {
    const queue = fixture.queueName('unsettled');
    const deliveries: InboundMessage[] = [];
    await fixture.transport.consume(
      { queue, prefetch: 1, contracts: [DoThing], redeliveryDelaysMs: [] },
      async (message) => {
        deliveries.push(message);
        throw new Error('the dead-letter exchange refused it');
      },
    );
    await fixture.bus.send(DoThing, { n: 1 });

    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    expect(deliveries.map((delivery) => delivery.redelivered)).toEqual([false, true]);
    const [death] = headersOf(dead)['x-death'] as { reason: string; queue: string }[];
    expect(death).toMatchObject({ reason: 'rejected', queue });
  });

  it('a consumer whose queue was deleted under it re-attaches and consumes again', async () => {
    const { queue, handled } = await endpoint();
    await fixture.admin.deleteQueue(queue);
    await until(
      async () =>
        fixture.transport.idleEndpoints().length === 0 && (await fixture.admin.queueExists(queue)),
      'the consumer re-attached to a re-declared queue',
      10_000,
    );

    await fixture.bus.send(DoThing, { n: 4 });
    expect(await handled.reach(1)).toEqual([4]);
  });
});
