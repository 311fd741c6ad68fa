import {
  UnroutableMessageError,
  type Fault,
  type InboundMessage,
  type Transport,
} from '@shopbus/messaging-core';
import { Countdown } from '../signals';
import { ContractCommand, ContractEvent } from './contract-contracts';
import { bodyOf, endpoint, outbound, recording, type ContractWorld } from './contract-driver';
import { untilListed } from './consuming.contract';

const fault = (errorMessage: string): Fault => ({
  errorMessage,
  errorType: 'ContractError',
  stack: 'ContractError: boom\n    at handler',
  attempts: 3,
  failedAt: '2026-01-01T00:00:00.000Z',
  service: 'contract-service',
});

/** Delayed redelivery, dead-lettering with the fault, replay and purge. */
export function recoverabilityContract(world: () => ContractWorld): void {
  let transport: Transport;
  beforeEach(async () => {
    transport = await world().open();
  });

  it('redeliverLater brings the message back after the delay, counted, and the delivery is settled', async () => {
    const queue = world().name('later');
    const seen = new Countdown<InboundMessage>();
    await transport.consume(
      endpoint(queue, [ContractCommand], { redeliveryDelaysMs: [50] }),
      async (message) => {
        seen.record(message);
        if (message.redeliveryCount === 0) await message.redeliverLater(50);
      },
    );
    const sent = outbound(ContractCommand, { n: 1 });

    await transport.send(sent);

    const [first, again] = await seen.reach(2);
    expect([first.redeliveryCount, again.redeliveryCount]).toEqual([0, 1]);
    expect(again.metadata).toEqual(sent.metadata);
    expect(again.redelivered).toBe(false);
  });

  it('redeliverLater with a delay the endpoint never declared is refused', async () => {
    const outcome = new Countdown<unknown>();
    await transport.consume(
      endpoint(world().name('undeclared'), [ContractCommand], { redeliveryDelaysMs: [50] }),
      async (message) => {
        await message.redeliverLater(70).then(
          () => outcome.record('accepted'),
          (error) => outcome.record(error),
        );
      },
    );
    await transport.send(outbound(ContractCommand, { n: 1 }));
    const [error] = await outcome.reach(1);
    expect(error).toBeInstanceOf(UnroutableMessageError);
  });

  it('deadLetter moves the message to the dead-letter queue with its fault and where it was first sent', async () => {
    const queue = world().name('faulty');
    await transport.consume(
      endpoint(queue, [ContractEvent], { redeliveryDelaysMs: [50] }),
      async (message) => {
        if (message.redeliveryCount === 0) await message.redeliverLater(50);
        else await message.deadLetter(fault('cannot handle this'));
      },
    );
    const sent = outbound(ContractEvent, { n: 1 }, { tenant: 'acme' });
    await transport.publish(sent);

    const dlq = transport.deadLetterQueues();
    await untilListed(dlq, queue);
    const listing = await dlq.list(queue);
    expect(listing.total).toBe(1);
    expect(listing.messages[0]).toEqual({
      messageId: sent.metadata.messageId,
      messageType: ContractEvent.type,
      correlationId: sent.metadata.correlationId,
      reason: 'cannot handle this',
      errorType: 'ContractError',
      attempts: 3,
      failedAt: '2026-01-01T00:00:00.000Z',
      service: 'contract-service',
      originalExchange: world().eventsExchange,
      originalRoutingKey: ContractEvent.type,
      replayCount: 0,
      body: JSON.stringify({ n: 1 }),
    });
    // Listing removes nothing.
    expect((await dlq.list(queue)).total).toBe(1);
  });

  it('replay returns chosen dead letters to the endpoint alone, counted; purge deletes the rest', async () => {
    const queue = world().name('replayed');
    const bystander = new Countdown<InboundMessage>();
    await transport.consume(
      endpoint(world().name('bystander'), [ContractEvent]),
      recording(bystander),
    );
    const replayed = new Countdown<InboundMessage>();
    let failing = true;
    await transport.consume(endpoint(queue, [ContractEvent]), async (message) => {
      if (failing) await message.deadLetter(fault('not yet'));
      else replayed.record(message);
    });
    const sent = [1, 2, 3].map((n) => outbound(ContractEvent, { n }));
    for (const message of sent) await transport.publish(message);
    const dlq = transport.deadLetterQueues();
    await untilListed(dlq, queue, 3);
    await bystander.reach(3);

    failing = false;
    const result = await dlq.replay(queue, { messageIds: [sent[1].metadata.messageId] });

    expect(result).toEqual({ replayed: [sent[1].metadata.messageId], remaining: 2 });
    const [back] = await replayed.reach(1);
    expect(bodyOf(back)).toEqual({ n: 2 });
    expect(back.metadata.headers['replay-count']).toBe(1);
    expect(await dlq.purge(queue)).toBe(2);
    expect((await dlq.list(queue)).total).toBe(0);
    expect(bystander.seen).toHaveLength(3);
    await expect(dlq.list(world().name('no-such-endpoint'))).rejects.toThrow(/no queue/);
  });
}
