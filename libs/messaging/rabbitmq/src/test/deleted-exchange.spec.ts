import { handlerFor, TransportDisconnectedError } from '@shopbus/messaging-core';
import { Countdown, until } from '@shopbus/testing';
import { ThingHappened } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

describe('an exchange deleted under a running transport', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture();
  });
  afterEach(() => fixture.close());

  it('fails the publish that finds it gone, then is declared again with its bindings: later events arrive', async () => {
    const heard = new Countdown<number>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('listener'),
      handlers: [handlerFor(ThingHappened, async ({ n }) => heard.record(n))],
    });
    await fixture.admin.deleteExchange(fixture.transport.eventsExchange);

    await expect(fixture.bus.publish(ThingHappened, { n: 1 })).rejects.toBeInstanceOf(
      TransportDisconnectedError,
    );
    // The sender retries (as the outbox relay does) until the repaired topology takes it.
    await until(
      () =>
        fixture.bus.publish(ThingHappened, { n: 2 }).then(
          () => true,
          () => false,
        ),
      'a publish accepted again',
    );
    expect(await heard.reach(1)).toEqual([2]);
  });
});
