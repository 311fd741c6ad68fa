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
 * request's, a handler's) carries that span's context in its stored headers; the relay's send is
 * that span's child, and the event's handling the send's; the claim that took the row from the
 * table is in the trace as well.
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

  it('the writer’s span, the relay’s send, the handling: parent to child', async () => {
    const queue = fixture.queueName('traced-outbox');
    const received = new Countdown<MessageEnvelope>();
    await bus.subscribe({
      queue,
      handlers: [handlerFor(OrderNoted, async (_, { envelope }) => received.record(envelope))],
    });
    await fixture.startRelay({ tracing: new MessageTracing({ tracer: recorded.tracer }) });
    const outbox = new Outbox(bus);

    const writer = await recorded.tracer.startActiveSpan('POST /checkout', async (span) => {
      await fixture.pg.$transaction((tx) =>
        outbox.publish(tx, OrderNoted, { orderId: 'traced', key: 'traced', seq: 1 }),
      );
      span.end();
      return span.spanContext();
    });
    await received.reach(1);
    // The send's span ends with the broker's confirm, which may come after the handling.
    await until(
      () =>
        recorded.named(`process ${queue}`).length === 1 &&
        recorded.named(`publish ${OrderNoted.type}`).length === 1,
      'both spans ended',
    );

    const processed = recorded.one(`process ${queue}`);
    const relayed = recorded.one(`publish ${OrderNoted.type}`);
    expect(relayed.attributes['shopbus.relayed']).toBe(true);
    expect(relayed.spanContext().traceId).toBe(writer.traceId);
    expect(relayed.parentSpanContext?.spanId).toBe(writer.spanId);
    expect(processed.spanContext().traceId).toBe(writer.traceId);
    expect(processed.parentSpanContext?.spanId).toBe(relayed.spanContext().spanId);
    // The claim that took the row from the table, in the writer's trace too, before the send.
    const claim = recorded.one('claim outbox_message');
    expect(claim.parentSpanContext?.spanId).toBe(writer.spanId);
    expect(claim.spanContext().traceId).toBe(writer.traceId);
    expect(claim.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.collection.name': 'outbox_message',
    });
    const ms = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;
    expect(ms(claim.endTime)).toBeGreaterThanOrEqual(ms(claim.startTime));
    expect(ms(claim.endTime)).toBeLessThanOrEqual(ms(relayed.startTime));
    // The stored row keeps the writer's context; the message on the wire carries the send's.
    expect(received.seen[0].headers['traceparent']).toBe(
      `00-${writer.traceId}-${relayed.spanContext().spanId}-01`,
    );
    const [row] = await fixture.database.query<{ traceparent: string }>(
      `SELECT metadata->'headers'->>'traceparent' AS traceparent FROM outbox_message
        WHERE message_id = $1::uuid`,
      [received.seen[0].messageId],
    );
    expect(row.traceparent).toBe(`00-${writer.traceId}-${writer.spanId}-01`);
  });
});
