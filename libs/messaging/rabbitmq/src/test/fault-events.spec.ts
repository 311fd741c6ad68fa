import {
  faulted,
  handlerFor,
  NonRetryableError,
  type FaultEventPayload,
  type MessageEnvelope,
} from '@shopbus/messaging-core';
import { Countdown } from '@shopbus/testing';
import { naming } from '../lib/topology/naming';
import { DoThing } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

describe('fault events: <type>.faulted when a message is dead-lettered', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture(
      {},
      {
        recoverability: {
          immediateAttempts: 1,
          redeliveryDelaysMs: [],
          publishFaultEvents: true,
        },
      },
    );
  });
  afterEach(() => fixture.close());

  const failingEndpoint = async () => {
    const queue = fixture.queueName('shipments');
    await fixture.bus.subscribe({
      queue,
      handlers: [
        handlerFor(DoThing, async () => {
          throw new NonRetryableError('address cannot be delivered to');
        }),
      ],
    });
    return queue;
  };

  it('a saga subscribed to faulted(DoThing) hears of the fault, in the failed message’s conversation', async () => {
    const queue = await failingEndpoint();
    const sagaQueue = fixture.queueName('saga');
    const faults = new Countdown<MessageEnvelope<FaultEventPayload>>();
    const { bus: saga } = await fixture.connectAnother('saga-service');
    await saga.subscribe({
      queue: sagaQueue,
      handlers: [handlerFor(faulted(DoThing), async (_, { envelope }) => faults.record(envelope))],
    });

    const sent = await fixture.bus.send(DoThing, { n: 3 }, undefined, { correlationId: 'order-9' });
    const [event] = await faults.reach(1);

    expect(event.messageType).toBe('test.do-thing.faulted');
    expect(event.correlationId).toBe('order-9');
    expect(event.causationId).toBe(sent.messageId);
    expect(event.source).toBe('test-service');
    expect(event.payload).toMatchObject({
      faultedMessageId: sent.messageId,
      faultedMessageType: 'test.do-thing',
      queue,
      fault: {
        errorMessage: 'address cannot be delivered to',
        errorType: 'NonRetryableError',
        attempts: 1,
        service: 'test-service',
      },
      message: { n: 3 },
    });
    // The fault is announced first, and the message itself is then kept for replay.
    await fixture.admin.untilMessageCount(naming.deadLetterQueue(queue), 1);
  });

  it('with nobody subscribed to the fault event, the message is still dead-lettered', async () => {
    const queue = await failingEndpoint();
    const sent = await fixture.bus.send(DoThing, { n: 4 });
    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    expect(dead.properties.messageId).toBe(sent.messageId);
  });
});
