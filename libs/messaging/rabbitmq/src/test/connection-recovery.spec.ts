import { handlerFor, TransportDisconnectedError } from '@shopbus/messaging-core';
import { brokerControl, deferred } from '@shopbus/testing';
import { DoThing } from './test-contracts';
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
      let refusedWhileDown = 0;
      for (let n = 0; n < total; n += 1) {
        if (n === total / 3) disruption = disrupt();
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
      expect(confirmed.size).toBe(total);
      expect(refusedWhileDown).toBeGreaterThan(0);
      expect(fixture.transport.isConnected).toBe(true);
    },
  );
});
