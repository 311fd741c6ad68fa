import { TransportDisconnectedError } from '@shopbus/messaging-core';
import { brokerControl } from '@shopbus/testing';
import { DoThing } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

describe('confirmed publishing', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture();
  });
  afterEach(() => fixture.close());

  it('an invalid payload is refused before anything reaches the broker', async () => {
    const queue = fixture.queueName('invalid');
    await fixture.declareQueues(queue);
    await expect(
      fixture.bus.send(DoThing, { n: 'one' } as unknown as { n: number }, { queue }),
    ).rejects.toThrow(
      'Message "test.do-thing" is invalid: n: Invalid input: expected number, received string',
    );
    expect(await fixture.admin.messageCount(queue)).toBe(0);
  });

  it('a confirmed persistent message in a durable queue survives a broker restart', async () => {
    const queue = fixture.queueName('durable');
    await fixture.declareQueues(queue);

    const sent = await fixture.bus.send(DoThing, { n: 42 }, { queue });
    await brokerControl.restart();

    const survivor = await fixture.admin.take(queue);
    expect(survivor && survivor.properties.messageId).toBe(sent.messageId);
    expect(survivor && JSON.parse(survivor.content.toString())).toEqual({ n: 42 });
  });

  it('a publish while the broker is unreachable fails with a clear error instead of waiting', async () => {
    await brokerControl.stopApp();
    try {
      await expect(fixture.bus.send(DoThing, { n: 1 }, { queue: 'anything' })).rejects.toThrow(
        TransportDisconnectedError,
      );
      await expect(fixture.bus.send(DoThing, { n: 1 }, { queue: 'anything' })).rejects.toThrow(
        /Not connected to RabbitMQ: "test.do-thing" to queue "anything" was not sent/,
      );
    } finally {
      await brokerControl.startApp();
    }
  });
});
