import {
  handlerFor,
  MessageMetrics,
  RequestTimeoutError,
  UnroutableMessageError,
} from '@shopbus/messaging-core';
import { Countdown, RecordedMetrics, until } from '@shopbus/testing';
import { startTransportFixture, type TransportFixture } from './transport-fixture';
import { AddNumbers, DoThing } from './test-contracts';

/**
 * The bus's metrics on the real broker: each send counted and timed until its confirm, each
 * delivery counted and its handling timed by what became of it, by exactly as many as happened.
 */
describe('message metrics on the real broker', () => {
  const recorded = new RecordedMetrics();
  let fixture: TransportFixture;

  beforeAll(async () => {
    fixture = await startTransportFixture(
      {},
      {
        metrics: new MessageMetrics({ meter: recorded.meter }),
        recoverability: { immediateAttempts: 2, immediateIntervalMs: 0, redeliveryDelaysMs: [] },
      },
    );
  });
  afterAll(async () => {
    await fixture.close();
    await recorded.close();
  });

  const processed = (queue: string, outcome: string) =>
    recorded.count('messaging.process.duration', {
      'messaging.destination.name': queue,
      'shopbus.outcome': outcome,
    });

  it('counts a handled, a retried and a dead-lettered delivery once each, by outcome', async () => {
    const queue = fixture.queueName('metered');
    let calls = 0;
    await fixture.bus.subscribe({
      queue,
      handlers: [
        handlerFor(DoThing, async ({ n }) => {
          calls += 1;
          if (n === 2 && calls === 2) throw new Error('the first attempt fails');
          if (n === 3) throw new Error('this one never works');
        }),
      ],
    });

    for (const n of [1, 2, 3]) {
      await fixture.bus.send(DoThing, { n }, { queue });
    }
    await fixture.admin.untilMessageCount(`${queue}.dlq`, 1);
    await until(async () => (await processed(queue, 'dead-lettered')) === 1, 'all three ended');

    expect(await processed(queue, 'handled')).toBe(1);
    expect(await processed(queue, 'retried')).toBe(1);
    expect(await processed(queue, 'dead-lettered')).toBe(1);
    expect(
      await recorded.count('messaging.process.duration', {
        'shopbus.outcome': 'dead-lettered',
        'error.type': 'Error',
      }),
    ).toBe(1);
    expect(
      await recorded.sum('messaging.client.consumed.messages', {
        'messaging.destination.name': queue,
        'shopbus.message.type': DoThing.type,
      }),
    ).toBe(3);
    expect(
      await recorded.sum('messaging.client.sent.messages', {
        'messaging.operation.name': 'send',
        'shopbus.message.type': DoThing.type,
      }),
    ).toBe(3);
  });

  it('records a forged message type as unknown, so that senders cannot grow the metrics', async () => {
    const queue = fixture.queueName('metered-forged');
    const handled = new Countdown<number>();
    await fixture.bus.subscribe({
      queue,
      handlers: [handlerFor(DoThing, async ({ n }) => handled.record(n))],
    });
    for (const type of ['forged.one', 'forged.two']) {
      await fixture.admin.publishRaw(queue, '{"n":1}', { type, messageId: type });
    }
    await fixture.admin.untilMessageCount(`${queue}.dlq`, 2);
    await until(async () => (await processed(queue, 'dead-lettered')) === 2, 'both ended');

    const seen = await recorded.attributeSets('messaging.client.consumed.messages');
    const types = seen
      .filter((attributes) => attributes['messaging.destination.name'] === queue)
      .map((attributes) => attributes['shopbus.message.type']);
    expect(types).toEqual(['unknown']);
    expect(handled.seen).toEqual([]);
  });

  it('counts an unroutable send and a request that timed out with their error types', async () => {
    const queue = fixture.queueName('metered-slow');
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await fixture.bus.subscribe({
      queue,
      handlers: [
        handlerFor(AddNumbers, async ({ a, b }) => {
          await released;
          return { sum: a + b };
        }),
      ],
    });

    await expect(
      fixture.bus.send(DoThing, { n: 1 }, { queue: fixture.queueName('nobody-listens') }),
    ).rejects.toBeInstanceOf(UnroutableMessageError);
    await expect(
      fixture.bus.request(AddNumbers, { a: 1, b: 2 }, { destination: { queue }, timeoutMs: 200 }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
    release();

    expect(
      await recorded.sum('messaging.client.sent.messages', {
        'messaging.operation.name': 'send',
        'error.type': UnroutableMessageError.name,
      }),
    ).toBe(1);
    expect(
      await recorded.sum('messaging.client.sent.messages', {
        'messaging.operation.name': 'request',
        'error.type': RequestTimeoutError.name,
      }),
    ).toBe(1);
    expect(
      await recorded.count('messaging.client.operation.duration', {
        'messaging.operation.name': 'request',
      }),
    ).toBe(1);
  });
});
