import { z } from 'zod';
import { defineCommand, defineQuery } from '../lib/contracts/message-contract';
import {
  composeMiddleware,
  type ConsumeContext,
  type ConsumeMiddleware,
} from '../lib/consuming/consume-context';
import { dispatchToHandler } from '../lib/consuming/dispatch-to-handler';
import { handlerFor } from '../lib/consuming/message-handler';
import { createEnvelope } from '../lib/envelope/message-envelope';
import {
  MalformedMessageError,
  MessageValidationError,
  UnknownMessageTypeError,
} from '../lib/errors';
import type { InboundMessage, OutboundMessage } from '../lib/ports/transport';

const Ping = defineCommand('test.ping', z.object({ n: z.number() }));
const Double = defineQuery(
  'test.double',
  z.object({ n: z.number() }),
  z.object({ doubled: z.number() }),
);

/** An inbound message as a transport would hand it over; pure data, no broker involved. */
function inbound(
  messageType: string,
  body: string,
  reply?: (m: OutboundMessage) => Promise<void>,
): ConsumeContext {
  const { payload: _payload, ...metadata } = createEnvelope({
    messageType,
    payload: null,
    source: 'sender',
  });
  const message: InboundMessage = {
    metadata,
    body: Buffer.from(body),
    redelivered: false,
    reply,
    redeliveryCount: 0,
    redeliverLater: async () => undefined,
    deadLetter: async () => undefined,
  };
  return { message, endpoint: 'q', attempt: 1 };
}

describe('the consume pipeline', () => {
  it('runs middleware outermost first around the handler', async () => {
    const order: string[] = [];
    const link =
      (name: string): ConsumeMiddleware =>
      async (_, next) => {
        order.push(`${name} before`);
        await next();
        order.push(`${name} after`);
      };
    const pipeline = composeMiddleware([link('outer'), link('inner')], async () => {
      order.push('handler');
    });
    await pipeline(inbound('test.ping', '{}'));
    expect(order).toEqual([
      'outer before',
      'inner before',
      'handler',
      'inner after',
      'outer after',
    ]);
  });

  it('hands the handler the validated payload and the envelope', async () => {
    const handle = jest.fn(async () => undefined);
    await dispatchToHandler([handlerFor(Ping, handle)], 'me')(inbound('test.ping', '{"n":3}'));
    expect(handle).toHaveBeenCalledWith(
      { n: 3 },
      expect.objectContaining({
        endpoint: 'q',
        envelope: expect.objectContaining({ messageType: 'test.ping', payload: { n: 3 } }),
      }),
    );
  });

  it.each([
    ['an unknown message type', inbound('test.unknown', '{"n":1}'), UnknownMessageTypeError],
    ['a body that is not JSON', inbound('test.ping', '{"n":'), MalformedMessageError],
    ['a payload that breaks the schema', inbound('test.ping', '{"n":"x"}'), MessageValidationError],
  ])(
    'refuses %s with a non-retryable error before any handler runs',
    async (_, context, errorType) => {
      const handle = jest.fn(async () => undefined);
      const attempt = dispatchToHandler([handlerFor(Ping, handle)], 'me')(context);
      await expect(attempt).rejects.toBeInstanceOf(errorType);
      await expect(attempt).rejects.toMatchObject({ retryable: false });
      expect(handle).not.toHaveBeenCalled();
    },
  );

  it('answers a query through its reply, caused by the request', async () => {
    const replies: OutboundMessage[] = [];
    const context = inbound('test.double', '{"n":4}', async (message) => {
      replies.push(message);
    });
    await dispatchToHandler(
      [handlerFor(Double, async ({ n }) => ({ doubled: n * 2 }))],
      'me',
    )(context);
    expect(JSON.parse(replies[0].body.toString())).toEqual({ doubled: 8 });
    expect(replies[0].metadata.causationId).toBe(context.message.metadata.messageId);
  });

  it('refuses two handlers for one message type on one endpoint', () => {
    const handle = async () => undefined;
    expect(() =>
      dispatchToHandler([handlerFor(Ping, handle), handlerFor(Ping, handle)], 'me'),
    ).toThrow('Two handlers for "test.ping" on one endpoint');
  });
});
