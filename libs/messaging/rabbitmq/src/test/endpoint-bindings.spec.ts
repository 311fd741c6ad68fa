import { handlerFor, type MessageEnvelope } from '@shopbus/messaging-core';
import { Countdown, uniqueName } from '@shopbus/testing';
import { DoThing, OtherThingHappened, ThingHappened } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

describe('endpoint bindings and fallback handlers', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture();
  });
  afterEach(() => fixture.close());

  it('a pattern subscription hands every matching event to the fallback, and a typed handler still wins', async () => {
    const fallback = new Countdown<{ type: string; payload: unknown }>();
    const typed = new Countdown<number>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('pattern'),
      bindings: [{ exchange: fixture.transport.eventsExchange, pattern: 'test.#' }],
      handlers: [handlerFor(ThingHappened, async ({ n }) => typed.record(n))],
      fallback: async (payload, { envelope }) =>
        fallback.record({ type: envelope.messageType, payload }),
    });

    await fixture.bus.publish(ThingHappened, { n: 1 });
    await fixture.bus.publish(OtherThingHappened, { n: 2 });

    expect(await typed.reach(1)).toEqual([1]);
    expect(await fallback.reach(1)).toEqual([{ type: 'test.other-happened', payload: { n: 2 } }]);
  });

  it('a fanout exchange bound from the events exchange feeds an audit endpoint every event', async () => {
    const audit = uniqueName('audit');
    fixture.admin.track({ exchanges: [audit] });
    await fixture.declare({
      exchanges: [{ name: audit, type: 'fanout' }],
      bindings: [
        {
          source: fixture.transport.eventsExchange,
          destination: audit,
          destinationKind: 'exchange',
          pattern: '#',
        },
      ],
    });
    const seen = new Countdown<MessageEnvelope<unknown>>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('audit-log'),
      bindings: [{ exchange: audit }],
      handlers: [],
      fallback: async (_, { envelope }) => seen.record(envelope),
    });

    const first = await fixture.bus.publish(ThingHappened, { n: 1 });
    const second = await fixture.bus.publish(OtherThingHappened, { n: 2 });

    const envelopes = await seen.reach(2);
    expect(envelopes.map((e) => e.messageId)).toEqual([first.messageId, second.messageId]);
    expect(envelopes[0].source).toBe('test-service');
  });

  it('headers bindings route by x-match all and any', async () => {
    const channels = uniqueName('channels');
    fixture.admin.track({ exchanges: [channels] });
    await fixture.declare({ exchanges: [{ name: channels, type: 'headers' }] });
    const email = new Countdown<number>();
    const urgent = new Countdown<number>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('email'),
      bindings: [
        {
          exchange: channels,
          headers: { match: 'all', values: { channel: 'email', priority: 'normal' } },
        },
      ],
      handlers: [handlerFor(DoThing, async ({ n }) => email.record(n))],
    });
    await fixture.bus.subscribe({
      queue: fixture.queueName('urgent'),
      bindings: [
        {
          exchange: channels,
          headers: { match: 'any', values: { priority: 'high', channel: 'sms' } },
        },
      ],
      handlers: [handlerFor(DoThing, async ({ n }) => urgent.record(n))],
    });
    const to = { exchange: channels };

    await fixture.bus.send(DoThing, { n: 1 }, to, {
      headers: { channel: 'email', priority: 'normal' },
    });
    await fixture.bus.send(DoThing, { n: 2 }, to, {
      headers: { channel: 'email', priority: 'high' },
    });
    await fixture.bus.send(DoThing, { n: 3 }, to, {
      headers: { channel: 'sms', priority: 'normal' },
    });

    expect(await email.reach(1)).toEqual([1]);
    expect((await urgent.reach(2)).sort()).toEqual([2, 3]);
  });

  it('code names an exchange logically: bindings and destinations go to the real name the transport was given', async () => {
    const realName = uniqueName('notifications');
    fixture.admin.track({ exchanges: [realName] });
    await fixture.declare({ exchanges: [{ name: realName, type: 'fanout' }] });
    const { bus } = await fixture.connectAnother('logical-names', {
      exchangeNames: { notifications: realName },
    });
    const seen = new Countdown<number>();
    await bus.subscribe({
      queue: fixture.queueName('logical'),
      bindings: [{ exchange: 'notifications' }],
      handlers: [handlerFor(DoThing, async ({ n }) => seen.record(n))],
    });

    // Another service knows only the real name; this one only the logical name.
    await fixture.bus.send(DoThing, { n: 1 }, { exchange: realName });
    await bus.send(DoThing, { n: 2 }, { exchange: 'notifications' });

    expect((await seen.reach(2)).sort()).toEqual([1, 2]);
  });
});
