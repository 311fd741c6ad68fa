import { handlerFor, silentLogger } from '@shopbus/messaging-core';
import { Countdown, rabbitmqUrl } from '@shopbus/testing';
import { ThingHappened } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

/** A node nobody listens on: connecting to it is refused at once. */
const deadNode = () => {
  const url = new URL(rabbitmqUrl());
  url.port = '1';
  return url.toString();
};

describe('several broker addresses', () => {
  let fixture: TransportFixture;
  afterEach(() => fixture?.close());

  it('a transport whose first node is down starts on the next and works there', async () => {
    fixture = await startTransportFixture({
      url: [deadNode(), rabbitmqUrl()],
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
      logger: silentLogger,
    });
    const seen = new Countdown<number>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('failover'),
      handlers: [handlerFor(ThingHappened, async ({ n }) => seen.record(n))],
    });
    await fixture.bus.publish(ThingHappened, { n: 1 });
    expect(await seen.reach(1)).toEqual([1]);
    expect(fixture.transport.status().connected).toBe(true);
  });
});
