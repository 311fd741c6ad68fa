import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { handlerFor, MessageTracing, type MessageEnvelope } from '@shopbus/messaging-core';
import { Countdown, RecordedSpans, until } from '@shopbus/testing';
import { naming } from '../lib/topology/naming';
import { startTransportFixture, type TransportFixture } from './transport-fixture';
import { AddNumbers, DoThing, ThingHappened } from './test-contracts';

/**
 * Tracing on the real broker: the span context crosses it in the message's headers, so a send,
 * its handling and what the handler sends in turn are one trace, parent to child.
 */
describe('message tracing: one trace across the broker', () => {
  const recorded = new RecordedSpans();
  let fixture: TransportFixture;

  beforeAll(async () => {
    fixture = await startTransportFixture(
      {},
      {
        tracing: new MessageTracing({ tracer: recorded.tracer }),
        recoverability: { immediateAttempts: 2, immediateIntervalMs: 0, redeliveryDelaysMs: [] },
      },
    );
  });
  afterAll(async () => {
    await fixture.close();
    await recorded.close();
  });
  beforeEach(() => recorded.reset());

  const spans = () => recorded.finished;
  const named = (name: string) => recorded.named(name);
  const one = (name: string) => recorded.one(name);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('a send, its handling and the event the handler publishes form one trace, parent to child', async () => {
    const commands = fixture.queueName('traced-commands');
    const events = fixture.queueName('traced-events');
    const heard = new Countdown<MessageEnvelope>();
    await fixture.bus.subscribe({
      queue: commands,
      handlers: [
        handlerFor(DoThing, async ({ n }) => {
          await fixture.bus.publish(ThingHappened, { n });
        }),
      ],
    });
    await fixture.bus.subscribe({
      queue: events,
      handlers: [handlerFor(ThingHappened, async (_, { envelope }) => heard.record(envelope))],
    });

    const sent = await fixture.bus.send(DoThing, { n: 1 }, { queue: commands });
    await heard.reach(1);
    // Each span ends on its own: the command's once its handler's publish is confirmed.
    await until(() => spans().length === 4, 'all four spans ended');

    const send = one(`send ${DoThing.type}`);
    const processCommand = one(`process ${commands}`);
    const publish = one(`publish ${ThingHappened.type}`);
    const processEvent = one(`process ${events}`);
    const traceId = send.spanContext().traceId;
    for (const span of [processCommand, publish, processEvent]) {
      expect(span.spanContext().traceId).toBe(traceId);
    }
    expect(parentOf(processCommand)).toBe(send.spanContext().spanId);
    expect(parentOf(publish)).toBe(processCommand.spanContext().spanId);
    expect(parentOf(processEvent)).toBe(publish.spanContext().spanId);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(processCommand.kind).toBe(SpanKind.CONSUMER);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.name': 'send',
      'messaging.message.id': sent.messageId,
    });
    expect(processCommand.attributes).toMatchObject({
      'messaging.operation.type': 'process',
      'messaging.destination.name': commands,
      'messaging.message.id': sent.messageId,
      'messaging.message.conversation_id': sent.correlationId,
      'shopbus.message.type': DoThing.type,
      'shopbus.redelivery_count': 0,
      'shopbus.outcome': 'handled',
    });
    // The context travels as W3C trace context, in the message's own headers.
    expect(heard.seen[0].headers['traceparent']).toBe(
      `00-${traceId}-${publish.spanContext().spanId}-01`,
    );
  });

  it('records a handler retried and one dead-lettered, with the error, as the delivery’s outcome', async () => {
    const queue = fixture.queueName('traced-failures');
    let calls = 0;
    const attempts = new Countdown<number>();
    await fixture.bus.subscribe({
      queue,
      handlers: [
        handlerFor(DoThing, async ({ n }) => {
          calls += 1;
          attempts.record(calls);
          if (n === 1 && calls === 1) throw new Error('the first attempt fails');
          if (n === 2) throw new Error('this one never works');
        }),
      ],
    });

    await fixture.bus.send(DoThing, { n: 1 }, { queue });
    await until(() => named(`process ${queue}`).length === 1, 'the retried delivery ended');
    await fixture.bus.send(DoThing, { n: 2 }, { queue });
    await until(() => named(`process ${queue}`).length === 2, 'the dead-lettered one ended');

    const [retried, deadLettered] = named(`process ${queue}`);
    expect(retried.attributes['shopbus.outcome']).toBe('retried');
    expect(retried.status.code).toBe(SpanStatusCode.UNSET);
    expect(deadLettered.attributes['shopbus.outcome']).toBe('dead-lettered');
    expect(deadLettered.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'Error: this one never works',
    });
    expect(
      deadLettered.events.map(({ name, attributes }) => [name, attributes?.['exception.message']]),
    ).toEqual([['exception', 'this one never works']]);
    await fixture.admin.untilMessageCount(`${queue}.dlq`, 1);
  });

  it('a delayed redelivery and a dead-letter replay stay in the sender’s trace, children of its send', async () => {
    const queue = fixture.queueName('traced-redelivered');
    fixture.admin.track({ queues: [naming.retryQueue(queue, 50)] });
    const calls = new Map<number, number>();
    let fixed = false;
    const handled = new Countdown<number>();
    await fixture.bus.subscribe({
      queue,
      // Two immediate attempts, one delayed redelivery 50 ms later, then the dead-letter queue.
      recoverability: { redeliveryDelaysMs: [50] },
      handlers: [
        handlerFor(DoThing, async ({ n }) => {
          const call = (calls.get(n) ?? 0) + 1;
          calls.set(n, call);
          // n=1 works once redelivered; n=2 only once fixed (after its replay).
          if ((n === 1 && call <= 2) || (n === 2 && !fixed)) throw new Error(`not yet: ${n}`);
          handled.record(n);
        }),
      ],
    });

    const first = await fixture.bus.send(DoThing, { n: 1 }, { queue });
    const second = await fixture.bus.send(DoThing, { n: 2 }, { queue });
    await handled.reach(1);
    await fixture.admin.untilMessageCount(`${queue}.dlq`, 1);
    fixed = true;
    await fixture.transport.deadLetterQueues().replay(queue);
    await handled.reach(2);
    await until(() => named(`process ${queue}`).length === 5, 'five deliveries ended');

    const sends = named(`send ${DoThing.type}`);
    const sendOf = (messageId: string) =>
      sends.find((span) => span.attributes['messaging.message.id'] === messageId);
    const deliveries = (messageId: string) =>
      named(`process ${queue}`).filter(
        (span) => span.attributes['messaging.message.id'] === messageId,
      );
    for (const [sent, outcomes] of [
      [first, ['redelivered', 'handled']],
      [second, ['redelivered', 'dead-lettered', 'handled']],
    ] as const) {
      const send = sendOf(sent.messageId);
      expect(send).toBeDefined();
      const spans = deliveries(sent.messageId);
      expect(spans.map((span) => span.attributes['shopbus.outcome'])).toEqual(outcomes);
      for (const span of spans) {
        expect(span.spanContext().traceId).toBe(send?.spanContext().traceId);
        expect(parentOf(span)).toBe(send?.spanContext().spanId);
      }
    }
  });

  it('a request and its answer: a client span, the responder’s process span its child', async () => {
    const queue = fixture.queueName('traced-queries');
    await fixture.bus.subscribe({
      queue,
      handlers: [handlerFor(AddNumbers, async ({ a, b }) => ({ sum: a + b }))],
    });

    await expect(
      fixture.bus.request(AddNumbers, { a: 2, b: 3 }, { destination: { queue } }),
    ).resolves.toEqual({
      sum: 5,
    });
    await until(() => named(`process ${queue}`).length === 1, 'the responder’s span ended');

    const request = one(`request ${AddNumbers.type}`);
    expect(request.kind).toBe(SpanKind.CLIENT);
    expect(parentOf(one(`process ${queue}`))).toBe(request.spanContext().spanId);
  });

  it('a forged or unreadable traceparent starts a trace of its own and is handled as usual', async () => {
    const queue = fixture.queueName('traced-forged');
    const handled = new Countdown<number>();
    await fixture.bus.subscribe({
      queue,
      handlers: [handlerFor(DoThing, async ({ n }) => handled.record(n))],
    });
    for (const [n, traceparent] of [
      [1, 'not-a-traceparent'],
      [2, `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`],
      [3, `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01\u0000extra`],
    ] as const) {
      await fixture.admin.publishRaw(queue, JSON.stringify({ n }), {
        type: DoThing.type,
        messageId: `forged-${n}`,
        headers: { traceparent },
      });
    }
    await handled.reach(3);
    await until(() => named(`process ${queue}`).length === 3, 'every span ended');

    expect(handled.seen.sort()).toEqual([1, 2, 3]);
    for (const span of named(`process ${queue}`)) {
      expect(parentOf(span)).toBeUndefined();
      expect(span.attributes['shopbus.outcome']).toBe('handled');
    }
  });
});
