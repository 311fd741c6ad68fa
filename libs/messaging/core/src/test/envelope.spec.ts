import { createEnvelope } from '../lib/envelope/message-envelope';
import { currentMessage, runInMessageScope } from '../lib/envelope/message-scope';

describe('message envelopes', () => {
  it('a first message starts its own conversation and correlation, with no cause', () => {
    const envelope = createEnvelope({
      messageType: 'cart.checked-out',
      payload: {},
      source: 'cart',
    });
    expect(envelope.messageId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(envelope.conversationId).toBe(envelope.messageId);
    expect(envelope.correlationId).toBe(envelope.messageId);
    expect(envelope.causationId).toBeUndefined();
    expect(envelope.messageVersion).toBe(1);
    expect(Date.parse(envelope.sentAt)).not.toBeNaN();
  });

  it('a message created from another inherits correlation and conversation, and is caused by it', () => {
    const parent = createEnvelope({
      messageType: 'a',
      payload: {},
      source: 'x',
      correlationId: 'order-1',
    });
    const child = createEnvelope({ messageType: 'b', payload: {}, source: 'y', parent });
    expect(child).toMatchObject({
      correlationId: 'order-1',
      conversationId: parent.messageId,
      causationId: parent.messageId,
    });
    expect(child.messageId).not.toBe(parent.messageId);
  });

  it('message ids are time-ordered, so later messages sort after earlier ones', () => {
    const ids = Array.from(
      { length: 50 },
      () => createEnvelope({ messageType: 'a', payload: {}, source: 'x' }).messageId,
    );
    expect([...ids].sort()).toEqual(ids);
  });

  it('the message scope follows the handler across awaits and ends with it', async () => {
    const parent = createEnvelope({ messageType: 'a', payload: {}, source: 'x' });
    const seen = await runInMessageScope(parent, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentMessage();
    });
    expect(seen).toBe(parent);
    expect(currentMessage()).toBeUndefined();
  });
});
