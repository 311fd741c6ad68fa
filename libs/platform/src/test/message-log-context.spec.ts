import { createEnvelope, runInMessageScope } from '@shopbus/messaging-core';
import { RecordedSpans } from '@shopbus/testing';
import { messageLogContext } from '../lib/logging/service-logger.module';

describe('the log context of a handled message', () => {
  it('is empty outside a handler and names the message inside one, across awaits', async () => {
    const { payload: _payload, ...message } = createEnvelope({
      messageType: 'order.placed',
      payload: {},
      source: 'order',
      correlationId: 'order-42',
    });
    expect(messageLogContext()).toEqual({});

    const inside = await runInMessageScope(message, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return messageLogContext();
    });

    expect(inside).toEqual({
      correlationId: 'order-42',
      messageId: message.messageId,
      messageType: 'order.placed',
    });
  });

  it('carries the active span’s trace and span ids where the service traces, and none outside a span', async () => {
    const recorded = new RecordedSpans();
    try {
      expect(messageLogContext()).toEqual({});
      const [inside, span] = await recorded.tracer.startActiveSpan('process q', async (active) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        active.end();
        return [messageLogContext(), active.spanContext()] as const;
      });
      expect(inside).toEqual({ trace_id: span.traceId, span_id: span.spanId });
      expect(messageLogContext()).toEqual({});
    } finally {
      await recorded.close();
    }
  });
});
