import { handlerFor, TransportDisconnectedError } from '@shopbus/messaging-core';
import { brokerControl, deferred, until } from '@shopbus/testing';
import { naming } from '../lib/topology/naming';
import { DoThing, OtherThingHappened } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

/**
 * The broker drops every connection while messages are flowing. The transport reconnects by
 * itself, declares its topology again and resumes consuming; every message whose publish was
 * confirmed is handled (some more than once: delivery is at-least-once).
 */
describe('surviving a lost broker connection', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture();
  });
  afterEach(() => fixture.close());

  it.each([
    ['the broker closes all connections', () => brokerControl.closeAllConnections()],
    ['the broker application restarts', () => brokerControl.restart()],
  ])(
    'when %s mid-stream, the consumer resumes and every confirmed message is handled',
    async (_, disrupt) => {
      const total = 1500;
      const confirmed = new Set<string>();
      const handled = new Set<string>();
      const everyConfirmedHandled = deferred();
      let publishingDone = false;
      const check = () => {
        if (publishingDone && [...confirmed].every((id) => handled.has(id)))
          everyConfirmedHandled.resolve();
      };

      await fixture.bus.subscribe({
        queue: fixture.queueName('resilient'),
        prefetch: 20,
        handlers: [
          handlerFor(DoThing, async (_, { envelope }) => {
            handled.add(envelope.messageId);
            check();
          }),
        ],
      });

      let disruption: Promise<void> | undefined;
      let disrupted = false;
      let refusedWhileDown = 0;
      let sent = 0;
      // Publishing goes on until the disruption is over, however long the broker takes to go
      // down: the outage always falls inside the stream (at least `total` messages in all).
      for (let n = 0; n < total || !disrupted; n += 1) {
        if (n === total / 3) {
          disruption = disrupt().then(() => {
            disrupted = true;
          });
        }
        sent = n + 1;
        // The disruption runs while publishing goes on; a refused publish waits for the reconnection.
        for (;;) {
          try {
            const envelope = await fixture.bus.send(DoThing, { n });
            confirmed.add(envelope.messageId);
            break;
          } catch (error) {
            expect(error).toBeInstanceOf(TransportDisconnectedError);
            refusedWhileDown += 1;
            await fixture.transport.connected();
          }
        }
      }
      await disruption;
      publishingDone = true;
      check();

      await everyConfirmedHandled.promise;
      expect(confirmed.size).toBe(sent);
      expect(refusedWhileDown).toBeGreaterThan(0);
      expect(fixture.transport.isConnected).toBe(true);
    },
  );

  it('when only the publishing connection drops, consumers let go until it is back: nothing is dead-lettered', async () => {
    // Each handler publishes: without its publishing connection it can settle nothing, and
    // consuming on would requeue every message once and then reject it to the dead-letter queue.
    const total = 200;
    const prefetch = 20;
    const queue = fixture.queueName('needs-publishing');
    // A service whose publishing connection stays away for a second and a half once lost.
    const service = await fixture.connectAnother('slow-to-publish', {
      reconnect: { initialDelayMs: 1500, maxDelayMs: 1500, jitter: 0 },
    });
    const gate = deferred();
    const prefetchFull = deferred();
    let started = 0;
    // At-least-once: a follow-up may come twice; every n must come.
    const followUps = new Set<number>();
    const everyFollowUp = deferred();
    await service.bus.subscribe({
      queue,
      prefetch,
      handlers: [
        handlerFor(DoThing, async ({ n }) => {
          if (++started === prefetch) prefetchFull.resolve();
          await gate.promise;
          await service.bus.publish(OtherThingHappened, { n });
        }),
      ],
    });
    await fixture.bus.subscribe({
      queue: fixture.queueName('follow-ups'),
      prefetch: 50,
      handlers: [
        handlerFor(OtherThingHappened, async ({ n }) => {
          followUps.add(n);
          if (followUps.size === total) everyFollowUp.resolve();
        }),
      ],
    });
    const send = async (n: number) => {
      for (;;) {
        try {
          return await fixture.bus.send(DoThing, { n });
        } catch (error) {
          expect(error).toBeInstanceOf(TransportDisconnectedError);
          await fixture.transport.connected();
        }
      }
    };

    for (let n = 0; n < total / 2; n += 1) await send(n);
    // A full prefetch of handlers is waiting to publish when the publishing connection goes.
    await prefetchFull.promise;
    await brokerControl.closeConnectionsNamed('slow-to-publish (publish)');
    gate.resolve();
    for (let n = total / 2; n < total; n += 1) await send(n);

    await everyFollowUp.promise;
    expect(await fixture.admin.messageCount(naming.deadLetterQueue(queue))).toBe(0);
    await until(() => service.transport.status().idleEndpoints.length === 0, 'consumers attached');
    expect(service.transport.status().connected).toBe(true);
  });
});
