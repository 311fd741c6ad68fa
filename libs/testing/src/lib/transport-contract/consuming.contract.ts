import {
  TransportDisconnectedError,
  type InboundMessage,
  type Transport,
} from '@shopbus/messaging-core';
import { Countdown, deferred, until } from '../signals';
import { ContractCommand } from './contract-contracts';
import { bodyOf, endpoint, outbound, recording, type ContractWorld } from './contract-driver';

/** Competing consumers, prefetch-bounded concurrency, hand-back, stopping, status. */
export function consumingContract(world: () => ContractWorld): void {
  let transport: Transport;
  beforeEach(async () => {
    transport = await world().open();
  });

  it('competing consumers of one queue share its messages, each message handled once', async () => {
    const queue = world().name('shared');
    const other = await world().open();
    const byFirst = new Countdown<InboundMessage>();
    const bySecond = new Countdown<InboundMessage>();
    const all = new Countdown<number>();
    const slow = (into: Countdown<InboundMessage>) => async (message: InboundMessage) => {
      into.record(message);
      all.record((bodyOf(message) as { n: number }).n);
      await new Promise((resolve) => setImmediate(resolve));
    };
    await transport.consume(endpoint(queue, [ContractCommand], { prefetch: 1 }), slow(byFirst));
    await other.consume(endpoint(queue, [ContractCommand], { prefetch: 1 }), slow(bySecond));

    for (let n = 0; n < 20; n += 1) await transport.send(outbound(ContractCommand, { n }));

    expect((await all.reach(20)).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(byFirst.seen.length).toBeGreaterThan(0);
    expect(bySecond.seen.length).toBeGreaterThan(0);
  });

  it('an endpoint handles at most its prefetch at once, and takes the next as one settles', async () => {
    const release = deferred();
    const started = new Countdown<number>();
    let running = 0;
    let most = 0;
    await transport.consume(
      endpoint(world().name('bounded'), [ContractCommand], { prefetch: 3 }),
      async (message) => {
        running += 1;
        most = Math.max(most, running);
        started.record((bodyOf(message) as { n: number }).n);
        await release.promise;
        running -= 1;
      },
    );

    for (let n = 0; n < 8; n += 1) await transport.send(outbound(ContractCommand, { n }));
    await started.reach(3);
    release.resolve();

    expect(await started.reach(8)).toHaveLength(8);
    // A fourth let through while three were held would have raised the count past three.
    expect(most).toBe(3);
  });

  it('a delivery whose handler fails goes back once marked redelivered; failing again, to the dead-letter queue', async () => {
    const queue = world().name('hand-back');
    const seen = new Countdown<InboundMessage>();
    await transport.consume(endpoint(queue, [ContractCommand]), async (message) => {
      seen.record(message);
      throw new Error('not settled');
    });

    const sent = outbound(ContractCommand, { n: 1 });
    await transport.send(sent);

    const [first, second] = await seen.reach(2);
    expect([first.redelivered, second.redelivered]).toEqual([false, true]);
    expect(second.metadata.messageId).toBe(sent.metadata.messageId);
    const dlq = transport.deadLetterQueues();
    await untilListed(dlq, queue);
    const { messages } = await dlq.list(queue);
    expect(messages).toEqual([
      expect.objectContaining({
        messageId: sent.metadata.messageId,
        reason: expect.stringMatching(/dead-lettered by the broker: rejected/),
      }),
    ]);
    expect(seen.seen).toHaveLength(2);
  });

  it('stop waits for the handlers running, then takes no more; what arrives after waits in the queue', async () => {
    const queue = world().name('stopping');
    const release = deferred();
    const started = deferred();
    const finished = new Countdown<number>();
    const consumer = await transport.consume(
      endpoint(queue, [ContractCommand]),
      async (message) => {
        started.resolve();
        await release.promise;
        finished.record((bodyOf(message) as { n: number }).n);
      },
    );
    expect(transport.status().endpoints).toContain(queue);
    await transport.send(outbound(ContractCommand, { n: 1 }));
    await started.promise;

    const stopping = consumer.stop();
    release.resolve();
    await stopping;
    expect(finished.seen).toEqual([1]);
    expect(transport.status().endpoints).not.toContain(queue);

    await transport.send(outbound(ContractCommand, { n: 2 }), { queue });
    const later = new Countdown<InboundMessage>();
    await transport.consume(endpoint(queue, [ContractCommand]), recording(later));
    expect((await later.reach(1)).map(bodyOf)).toEqual([{ n: 2 }]);
  });

  it('reports itself connected with its endpoints; once closed it refuses to publish', async () => {
    const queue = world().name('status');
    await transport.consume(endpoint(queue, [ContractCommand]), async () => undefined);
    expect(transport.status()).toMatchObject({
      connected: true,
      endpoints: [queue],
      idleEndpoints: [],
    });

    await transport.close();

    expect(transport.status().connected).toBe(false);
    await expect(transport.send(outbound(ContractCommand, { n: 1 }))).rejects.toBeInstanceOf(
      TransportDisconnectedError,
    );
  });
}

/** Waits until the dead-letter queue of `queue` holds `count` messages (it announces nothing). */
export function untilListed(
  dlq: ReturnType<Transport['deadLetterQueues']>,
  queue: string,
  count = 1,
): Promise<void> {
  return until(async () => (await dlq.list(queue)).total >= count, `${count} in ${queue}.dlq`);
}
