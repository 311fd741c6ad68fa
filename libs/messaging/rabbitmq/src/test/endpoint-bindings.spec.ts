import { handlerFor } from '@shopbus/messaging-core';
import { Countdown } from '@shopbus/testing';
import { OtherThingHappened, ThingHappened } from './test-contracts';
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
});
