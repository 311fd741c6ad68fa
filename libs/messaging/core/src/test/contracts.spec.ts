import { z } from 'zod';
import { defineCommand, defineEvent, defineQuery } from '../lib/contracts/message-contract';
import { validatePayload } from '../lib/contracts/validate-payload';
import { MessageValidationError } from '../lib/errors';

describe('message contracts', () => {
  it('declare kind, wire name and version once', () => {
    const schema = z.object({ orderId: z.string() });
    expect(defineEvent('order.placed', schema)).toMatchObject({
      kind: 'event',
      type: 'order.placed',
      version: 1,
    });
    expect(defineCommand('create-shipment', schema, { version: 2 })).toMatchObject({
      kind: 'command',
      version: 2,
    });
    expect(defineQuery('shipping.quote', schema, schema)).toMatchObject({
      kind: 'query',
      responseSchema: schema,
    });
  });

  it.each(['Order.Placed', 'order placed', 'order.*', 'order..placed', '.order', ''])(
    'refuse the wire name %p, which would not route as a topic key',
    (type) => {
      expect(() => defineEvent(type, z.object({}))).toThrow(/must be lower-case words/);
    },
  );

  it('refuse a wire name too long to route with its fault event suffix (<type>.faulted ≤ 255 bytes)', () => {
    const longest = `a.${'b'.repeat(245)}`;
    expect(defineEvent(longest, z.object({})).type).toHaveLength(247);
    expect(() => defineEvent(`${longest}c`, z.object({}))).toThrow(
      /has 248 characters; at most 247/,
    );
  });

  it('refuse a version that is not a positive integer', () => {
    expect(() => defineEvent('a.b', z.object({}), { version: 0 })).toThrow(
      /versions are integers >= 1/,
    );
  });

  it('validation names every wrong field and its problem', () => {
    const schema = z.object({
      email: z.email(),
      items: z.array(z.object({ qty: z.number().int().positive() })),
    });
    const attempt = () =>
      validatePayload('cart.checked-out', schema, { email: 'nope', items: [{ qty: 0 }] });
    expect(attempt).toThrow(MessageValidationError);
    expect(attempt).toThrow(
      'Message "cart.checked-out" is invalid: email: Invalid email address; items.0.qty: Too small: expected number to be >0',
    );
  });

  it('validation returns the parsed payload, without fields the schema does not know', () => {
    const schema = z.object({ a: z.number() });
    expect(validatePayload('x.y', schema, { a: 1, extra: true })).toEqual({ a: 1 });
  });
});
