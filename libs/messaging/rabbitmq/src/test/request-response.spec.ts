import { z } from 'zod';
import { defineQuery, handlerFor, RemoteHandlerError } from '@shopbus/messaging-core';
import { AddNumbers } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

describe('request/response over direct reply-to', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture();
  });
  afterEach(() => fixture.close());

  it('a request gets the responder’s answer, validated against the response schema', async () => {
    const responder = await fixture.connectAnother('calculator');
    await responder.bus.subscribe({
      queue: fixture.queueName('calculator'),
      handlers: [handlerFor(AddNumbers, async ({ a, b }) => ({ sum: a + b }))],
    });

    await expect(fixture.bus.request(AddNumbers, { a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fixture.bus.request(AddNumbers, { a: i, b: i })),
    );
    expect(answers.map((answer) => answer.sum)).toEqual(
      Array.from({ length: 20 }, (_, i) => 2 * i),
    );
  });

  it('a responder that fails answers with its error instead of leaving the requester to time out', async () => {
    await fixture.bus.subscribe({
      queue: fixture.queueName('failing'),
      handlers: [
        handlerFor(AddNumbers, async () => {
          throw new Error('calculator is broken');
        }),
      ],
    });
    const request = fixture.bus.request(AddNumbers, { a: 1, b: 1 }, { timeoutMs: 60_000 });
    await expect(request).rejects.toBeInstanceOf(RemoteHandlerError);
    await expect(fixture.bus.request(AddNumbers, { a: 1, b: 1 })).rejects.toThrow(
      '"test.add-numbers" failed at the responder: calculator is broken',
    );
  });

  it('a request the responder cannot read gets an error reply at once, not a timeout', async () => {
    // The responder's contract is stricter than the requester's (a newer version, say).
    const StrictAddNumbers = defineQuery(
      AddNumbers.type,
      z.object({ a: z.number().positive(), b: z.number().positive() }),
      AddNumbers.responseSchema,
    );
    await fixture.bus.subscribe({
      queue: fixture.queueName('strict-calculator'),
      handlers: [handlerFor(StrictAddNumbers, async ({ a, b }) => ({ sum: a + b }))],
    });
    await expect(
      fixture.bus.request(AddNumbers, { a: -1, b: 1 }, { timeoutMs: 60_000 }),
    ).rejects.toThrow(/failed at the responder: Message "test.add-numbers" is invalid: a:/);
  });
});
