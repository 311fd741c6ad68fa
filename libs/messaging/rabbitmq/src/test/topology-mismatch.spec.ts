import { handlerFor } from '@shopbus/messaging-core';
import { TopologyMismatchError } from '../lib/topology/topology-mismatch.error';
import { DoThing } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

describe('declaring against a broker that disagrees', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture();
  });
  afterEach(() => fixture.close());

  it('consuming a queue that exists without a dead-letter exchange fails at once, naming the queue and the argument', async () => {
    const queue = fixture.queueName('legacy');
    await fixture.declareQueues(queue); // declared earlier, by an older version, without dead-lettering

    const subscribing = fixture.bus.subscribe({
      queue,
      handlers: [handlerFor(DoThing, async () => undefined)],
    });
    await expect(subscribing).rejects.toBeInstanceOf(TopologyMismatchError);
    await expect(
      fixture.bus.subscribe({ queue, handlers: [handlerFor(DoThing, async () => undefined)] }),
    ).rejects.toThrow(
      new RegExp(
        `The queue "${queue.replace(/\./g, '\\.')}" already exists on the broker with different settings: .*inequivalent arg 'x-dead-letter-exchange'`,
      ),
    );
  });

  it('a transport whose configured topology conflicts fails to start instead of retrying forever', async () => {
    const queue = fixture.queueName('conflict');
    await fixture.declareQueues(queue);
    const other = fixture.connectAnother('other', {
      topology: { queues: [{ name: queue, messageTtlMs: 1000 }] },
    });
    await expect(other).rejects.toThrow(/inequivalent arg 'x-message-ttl'/);
  });
});
