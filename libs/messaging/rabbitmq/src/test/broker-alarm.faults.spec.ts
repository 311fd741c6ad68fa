import { handlerFor, RequestTimeoutError } from '@shopbus/messaging-core';
import { brokerControl, until } from '@shopbus/testing';
import { AddNumbers, DoThing } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

/**
 * A broker short of memory (or disk) raises an alarm and blocks every connection that publishes
 * until it clears. Nothing fails: publishes just wait. A service must notice (its readiness says
 * so) and must not keep its callers waiting beyond their timeouts.
 */
describe('while the broker blocks publishers (a resource alarm)', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture({}, { defaultRequestTimeoutMs: 300 });
  });
  afterEach(async () => {
    await brokerControl.clearMemoryAlarm();
    await fixture.close();
  });

  it('the transport reports itself blocked, then unblocked once the alarm clears', async () => {
    const queue = fixture.queueName('alarm');
    await fixture.bus.subscribe({ queue, handlers: [handlerFor(DoThing, async () => undefined)] });
    expect(fixture.transport.status()).toEqual({
      connected: true,
      endpoints: [queue],
      idleEndpoints: [],
    });

    await brokerControl.raiseMemoryAlarm();
    // The broker tells a connection it is blocked when the connection next publishes.
    const held = fixture.bus.send(DoThing, { n: 1 });
    await until(async () => fixture.transport.status().blocked !== undefined, 'blocked');
    expect(fixture.transport.status().blocked).toMatch(/memory/i);

    await brokerControl.clearMemoryAlarm();
    await held;
    await until(async () => fixture.transport.status().blocked === undefined, 'unblocked');
  });

  it('a request fails with its timeout, not when the alarm clears', async () => {
    await fixture.bus.subscribe({
      queue: fixture.queueName('adder'),
      handlers: [handlerFor(AddNumbers, async ({ a, b }) => ({ sum: a + b }))],
    });
    await brokerControl.raiseMemoryAlarm();
    // The alarm lasts until afterEach: a request that waited for it would never settle here.
    await expect(fixture.bus.request(AddNumbers, { a: 1, b: 2 })).rejects.toBeInstanceOf(
      RequestTimeoutError,
    );
  });
});
