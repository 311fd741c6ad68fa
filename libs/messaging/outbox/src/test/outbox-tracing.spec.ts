import {
  handlerFor,
  MessageBus,
  MessageTracing,
  silentLogger,
  type MessageEnvelope,
} from '@shopbus/messaging-core';
import { Countdown, RecordedSpans, until } from '@shopbus/testing';
import { Outbox } from '../lib/outbox';
import { startOutboxFixture, type OutboxFixture } from './outbox-fixture';
import { OrderNoted } from './test-contracts';

/**
 * A trace does not break at the database: an event written to the outbox inside a span (an HTTP
 * request's, a handler's) carries that span's context in its stored headers, and its handling,
 * after the relay published it, is that span's child.
 */
describe('the outbox carries the trace of the span that wrote the row', () => {
  const recorded = new RecordedSpans();
  let fixture: OutboxFixture;
  let bus: MessageBus;

  beforeAll(async () => {
    fixture = await startOutboxFixture();
    bus = new MessageBus(fixture.transport, {
      source: 'outbox-tracing-test',
      logger: silentLogger,
      tracing: new MessageTracing({ tracer: recorded.tracer }),
    });
  });
  afterAll(async () => {
    await fixture.close();
    await recorded.close();
  });

  it('the relayed event’s process span is the child of the span that wrote it', async () => {
    const queue = fixture.queueName('traced-outbox');
    const received = new Countdown<MessageEnvelope>();
    await bus.subscribe({
      queue,
      handlers: [handlerFor(OrderNoted, async (_, { envelope }) => received.record(envelope))],
    });
    await fixture.startRelay();
    const outbox = new Outbox(bus);

    const writer = await recorded.tracer.startActiveSpan('POST /checkout', async (span) => {
      await fixture.pg.$transaction((tx) =>
        outbox.publish(tx, OrderNoted, { orderId: 'traced', key: 'traced', seq: 1 }),
      );
      span.end();
      return span.spanContext();
    });
    await received.reach(1);
    await until(() => recorded.named(`process ${queue}`).length === 1, 'the process span ended');

    const processed = recorded.one(`process ${queue}`);
    expect(processed.spanContext().traceId).toBe(writer.traceId);
    expect(processed.parentSpanContext?.spanId).toBe(writer.spanId);
    expect(received.seen[0].headers['traceparent']).toBe(
      `00-${writer.traceId}-${writer.spanId}-01`,
    );
  });
});
