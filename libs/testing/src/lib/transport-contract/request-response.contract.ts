import {
  RequestTimeoutError,
  UnroutableMessageError,
  createEnvelope,
  toOutbound,
  type Transport,
} from '@shopbus/messaging-core';
import { ContractQuery } from './contract-contracts';
import { bodyOf, endpoint, outbound, type ContractWorld } from './contract-driver';

/** A request gets its one reply, or a timeout; a reply to a requester gone is harmless. */
export function requestResponseContract(world: () => ContractWorld): void {
  let transport: Transport;
  beforeEach(async () => {
    transport = await world().open();
  });

  const answering =
    (delayMs = 0) =>
    async (message: Parameters<Parameters<Transport['consume']>[1]>[0]) => {
      const { a, b } = bodyOf(message) as { a: number; b: number };
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      await message.reply?.(
        toOutbound(
          createEnvelope({
            messageType: `${ContractQuery.type}.response`,
            payload: { sum: a + b },
            source: 'responder',
            parent: message.metadata,
          }),
        ),
      );
    };

  it('a request sent by type, or to a queue by name, gets its one reply, matched to it', async () => {
    const responder = await world().open();
    const queue = world().name('adder');
    await responder.consume(endpoint(queue, [ContractQuery]), answering());

    const request = outbound(ContractQuery, { a: 2, b: 3 });
    const [byType, byName] = await Promise.all([
      transport.request(request, { timeoutMs: 5_000 }),
      transport.request(outbound(ContractQuery, { a: 10, b: 1 }), {
        timeoutMs: 5_000,
        destination: { queue },
      }),
    ]);

    expect(bodyOf(byType)).toEqual({ sum: 5 });
    expect(byType.metadata.causationId).toBe(request.metadata.messageId);
    expect(bodyOf(byName)).toEqual({ sum: 11 });
  });

  it('a request nobody answers in time rejects with a timeout; the late reply harms nothing', async () => {
    const queue = world().name('slow-adder');
    await transport.consume(endpoint(queue, [ContractQuery]), answering(300));

    await expect(
      transport.request(outbound(ContractQuery, { a: 1, b: 1 }), { timeoutMs: 100 }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);

    const reply = await transport.request(outbound(ContractQuery, { a: 2, b: 2 }), {
      timeoutMs: 5_000,
    });
    expect(bodyOf(reply)).toEqual({ sum: 4 });
  });

  it('a request with no queue to go to is refused at once as unroutable', async () => {
    await expect(
      transport.request(outbound(ContractQuery, { a: 1, b: 1 }), { timeoutMs: 5_000 }),
    ).rejects.toBeInstanceOf(UnroutableMessageError);
  });
}
