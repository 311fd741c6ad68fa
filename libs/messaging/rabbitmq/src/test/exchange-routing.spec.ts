import { UnroutableMessageError } from '@shopbus/messaging-core';
import { uniqueName } from '@shopbus/testing';
import type { Topology } from '../lib/topology/topology';
import { DoThing } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

/**
 * One message through each exchange type reaches exactly the queues it should and no others.
 * Confirmed publishes are in their queues when the confirm arrives, so counting right after
 * the publish resolves is exact.
 */
describe('routing through every exchange type', () => {
  let fixture: TransportFixture;
  const ex = {
    direct: uniqueName('direct'),
    topic: uniqueName('topic'),
    fanout: uniqueName('fanout'),
    headers: uniqueName('headers'),
    audit: uniqueName('audit'),
  };
  let q: Record<string, string>;

  beforeAll(async () => {
    fixture = await startTransportFixture();
    q = Object.fromEntries(
      [
        'a',
        'b',
        'orderStar',
        'orderHash',
        'shipment',
        'fan1',
        'fan2',
        'all',
        'any',
        'audit',
        'plain',
      ].map((key) => [key, fixture.queueName(key)]),
    );
    fixture.admin.track({ exchanges: Object.values(ex) });
    const topology: Topology = {
      exchanges: [
        { name: ex.direct, type: 'direct' },
        { name: ex.topic, type: 'topic' },
        { name: ex.fanout, type: 'fanout' },
        { name: ex.headers, type: 'headers' },
        { name: ex.audit, type: 'fanout', internal: true },
      ],
      queues: Object.values(q).map((name) => ({ name })),
      bindings: [
        { source: ex.direct, destination: q.a, pattern: 'a' },
        { source: ex.direct, destination: q.b, pattern: 'b' },
        { source: ex.topic, destination: q.orderStar, pattern: 'order.*' },
        { source: ex.topic, destination: q.orderHash, pattern: 'order.#' },
        { source: ex.topic, destination: q.shipment, pattern: 'shipment.#' },
        { source: ex.topic, destination: ex.audit, destinationKind: 'exchange', pattern: '#' },
        { source: ex.audit, destination: q.audit },
        { source: ex.fanout, destination: q.fan1 },
        { source: ex.fanout, destination: q.fan2 },
        {
          source: ex.headers,
          destination: q.all,
          headersMatch: { match: 'all', headers: { channel: 'email', priority: 'high' } },
        },
        {
          source: ex.headers,
          destination: q.any,
          headersMatch: { match: 'any', headers: { channel: 'sms', priority: 'high' } },
        },
      ],
    };
    await fixture.declare(topology);
  });

  afterAll(() => fixture.close());

  /** Queue name → ready messages, for every queue of this suite; empties them for the next case. */
  async function deliveries(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [key, name] of Object.entries(q)) {
      counts[key] = await fixture.admin.messageCount(name);
      await fixture.admin.drain(name);
    }
    return counts;
  }

  function only(...keys: string[]): Record<string, number> {
    return Object.fromEntries(Object.keys(q).map((key) => [key, keys.includes(key) ? 1 : 0]));
  }

  it('the default exchange delivers to the one queue named by the routing key', async () => {
    await fixture.bus.send(DoThing, { n: 1 }, { queue: q.plain });
    expect(await deliveries()).toEqual(only('plain'));
  });

  it('a direct exchange delivers to the queues bound with exactly that key', async () => {
    await fixture.bus.send(DoThing, { n: 1 }, { exchange: ex.direct, routingKey: 'a' });
    expect(await deliveries()).toEqual(only('a'));
  });

  it('a topic pattern with * matches exactly one word and # any number', async () => {
    await fixture.bus.send(DoThing, { n: 1 }, { exchange: ex.topic, routingKey: 'order.placed' });
    expect(await deliveries()).toEqual(only('orderStar', 'orderHash', 'audit'));

    await fixture.bus.send(
      DoThing,
      { n: 2 },
      { exchange: ex.topic, routingKey: 'order.item.added' },
    );
    expect(await deliveries()).toEqual(only('orderHash', 'audit'));

    await fixture.bus.send(DoThing, { n: 3 }, { exchange: ex.topic, routingKey: 'shipment' });
    expect(await deliveries()).toEqual(only('shipment', 'audit'));
  });

  it('an exchange-to-exchange binding forwards what the topic exchange routes to a fanout', async () => {
    await fixture.bus.send(DoThing, { n: 1 }, { exchange: ex.topic, routingKey: 'cart.created' });
    expect(await deliveries()).toEqual(only('audit'));
  });

  it('a fanout exchange delivers to every bound queue whatever the key', async () => {
    await fixture.bus.send(DoThing, { n: 1 }, { exchange: ex.fanout, routingKey: 'ignored' });
    expect(await deliveries()).toEqual(only('fan1', 'fan2'));
  });

  it('a headers binding with x-match all needs every header, with x-match any one of them', async () => {
    const send = (headers: Record<string, string>) =>
      fixture.bus.send(DoThing, { n: 1 }, { exchange: ex.headers }, { headers });

    await send({ channel: 'email', priority: 'high' });
    expect(await deliveries()).toEqual(only('all', 'any'));

    await send({ channel: 'sms', priority: 'low' });
    expect(await deliveries()).toEqual(only('any'));

    await expect(send({ channel: 'email', priority: 'low' })).rejects.toBeInstanceOf(
      UnroutableMessageError,
    );
    expect(await deliveries()).toEqual(only());
  });
});
