import {
  UnroutableMessageError,
  type InboundMessage,
  type Transport,
} from '@shopbus/messaging-core';
import { Countdown } from '../signals';
import { ContractCommand, ContractEvent, OtherContractEvent } from './contract-contracts';
import { bodyOf, endpoint, outbound, recording, type ContractWorld } from './contract-driver';

/** Publish to every subscriber, send to one queue, the four router kinds, unroutable refused. */
export function routingContract(world: () => ContractWorld): void {
  let transport: Transport;
  beforeEach(async () => {
    transport = await world().open();
  });

  it('publish reaches every endpoint subscribed to the type, on every transport, and no other', async () => {
    const other = await world().open();
    const first = new Countdown<InboundMessage>();
    const second = new Countdown<InboundMessage>();
    const unrelated = new Countdown<InboundMessage>();
    await transport.consume(endpoint(world().name('first'), [ContractEvent]), recording(first));
    await other.consume(endpoint(world().name('second'), [ContractEvent]), recording(second));
    await other.consume(
      endpoint(world().name('unrelated'), [OtherContractEvent]),
      recording(unrelated),
    );

    await transport.publish(outbound(ContractEvent, { n: 1 }));
    await transport.publish(outbound(OtherContractEvent, { n: 2 }));

    const [a] = await first.reach(1);
    const [b] = await second.reach(1);
    const [c] = await unrelated.reach(1);
    expect([bodyOf(a), bodyOf(b), bodyOf(c)]).toEqual([{ n: 1 }, { n: 1 }, { n: 2 }]);
  });

  it('a message arrives with its metadata and headers as sent', async () => {
    const seen = new Countdown<InboundMessage>();
    await transport.consume(endpoint(world().name('metadata'), [ContractEvent]), recording(seen));
    const sent = outbound(ContractEvent, { n: 7 }, { tenant: 'acme', attempt: 3, urgent: true });

    await transport.publish(sent);

    const [received] = await seen.reach(1);
    expect(received.metadata).toEqual(sent.metadata);
    expect(received.body.equals(sent.body)).toBe(true);
    expect(received.redelivered).toBe(false);
    expect(received.redeliveryCount).toBe(0);
  });

  it('an event nobody subscribes to, and a send to a queue that does not exist, are refused as unroutable', async () => {
    await expect(transport.publish(outbound(ContractEvent, { n: 1 }))).rejects.toBeInstanceOf(
      UnroutableMessageError,
    );
    await expect(
      transport.send(outbound(ContractCommand, { n: 1 }), { queue: world().name('nobody') }),
    ).rejects.toBeInstanceOf(UnroutableMessageError);
    await expect(transport.send(outbound(ContractCommand, { n: 1 }))).rejects.toThrow(
      /was not routed to any queue/,
    );
  });

  it('a send to a router that does not exist is refused naming it, and the next send goes through', async () => {
    const queue = world().name('after-refusal');
    const seen = new Countdown<InboundMessage>();
    await transport.consume(endpoint(queue, [ContractCommand]), recording(seen));

    const refused = transport.send(outbound(ContractCommand, { n: 1 }), {
      exchange: 'contract.no-such-exchange',
    });
    await expect(refused).rejects.toThrow(/no exchange 'contract.no-such-exchange'/);
    await expect(refused).rejects.not.toBeInstanceOf(UnroutableMessageError);

    await transport.send(outbound(ContractCommand, { n: 2 }));
    expect((await seen.reach(1)).map(bodyOf)).toEqual([{ n: 2 }]);
  });

  it('a command sent by type reaches the one queue that handles it; sent to a queue by name, only that queue', async () => {
    const handler = new Countdown<InboundMessage>();
    const named = new Countdown<InboundMessage>();
    await transport.consume(
      endpoint(world().name('handler'), [ContractCommand]),
      recording(handler),
    );
    const direct = world().name('direct');
    await transport.consume(endpoint(direct, []), recording(named));

    await transport.send(outbound(ContractCommand, { n: 1 }));
    await transport.send(outbound(ContractCommand, { n: 2 }), { queue: direct });

    expect((await handler.reach(1)).map(bodyOf)).toEqual([{ n: 1 }]);
    expect((await named.reach(1)).map(bodyOf)).toEqual([{ n: 2 }]);
    // Had the first reached the named queue too, it would stand before this one.
    await transport.send(outbound(ContractCommand, { n: 3 }), { queue: direct });
    expect((await named.reach(2)).map(bodyOf)).toEqual([{ n: 2 }, { n: 3 }]);
    expect(handler.seen.map(bodyOf)).toEqual([{ n: 1 }]);
  });

  it('topic bindings: * matches one word, # zero or more', async () => {
    const oneWord = new Countdown<InboundMessage>();
    const anyDepth = new Countdown<InboundMessage>();
    await transport.consume(
      endpoint(world().name('one-word'), [], {
        bindings: [{ exchange: world().eventsExchange, pattern: 'contract.*' }],
      }),
      recording(oneWord),
    );
    await transport.consume(
      endpoint(world().name('any-depth'), [], {
        bindings: [{ exchange: world().eventsExchange, pattern: 'contract.#' }],
      }),
      recording(anyDepth),
    );

    await transport.publish(outbound(OtherContractEvent, { n: 1 })); // contract.other.thing-happened
    await transport.publish(outbound(ContractEvent, { n: 2 })); // contract.thing-happened

    expect((await anyDepth.reach(2)).map(bodyOf)).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await oneWord.reach(1)).map(bodyOf)).toEqual([{ n: 2 }]);
  });

  it('a fanout router bound from the events router hands every event to each of its queues', async () => {
    const audit = world().name('audit');
    await world().declare({
      exchanges: [{ name: audit, type: 'fanout' }],
      bindings: [
        {
          source: world().eventsExchange,
          destination: audit,
          destinationKind: 'exchange',
          pattern: '#',
        },
      ],
    });
    const log = new Countdown<InboundMessage>();
    const archive = new Countdown<InboundMessage>();
    await transport.consume(
      endpoint(world().name('log'), [], { bindings: [{ exchange: audit }] }),
      recording(log),
    );
    await transport.consume(
      endpoint(world().name('archive'), [], { bindings: [{ exchange: audit }] }),
      recording(archive),
    );

    await transport.publish(outbound(ContractEvent, { n: 1 }));
    await transport.publish(outbound(OtherContractEvent, { n: 2 }));

    expect((await log.reach(2)).map(bodyOf)).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await archive.reach(2)).map(bodyOf)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('headers bindings route by all of their headers, or by any one', async () => {
    const channels = world().name('channels');
    await world().declare({ exchanges: [{ name: channels, type: 'headers' }] });
    const all = new Countdown<InboundMessage>();
    const any = new Countdown<InboundMessage>();
    await transport.consume(
      endpoint(world().name('all'), [], {
        bindings: [
          {
            exchange: channels,
            headers: { match: 'all', values: { channel: 'email', priority: 'normal' } },
          },
        ],
      }),
      recording(all),
    );
    await transport.consume(
      endpoint(world().name('any'), [], {
        bindings: [
          {
            exchange: channels,
            headers: { match: 'any', values: { priority: 'high', channel: 'sms' } },
          },
        ],
      }),
      recording(any),
    );
    const send = (n: number, headers: Record<string, string>) =>
      transport.send(outbound(ContractCommand, { n }, headers), { exchange: channels });

    await send(1, { channel: 'email', priority: 'normal' });
    await send(2, { channel: 'email', priority: 'high' });
    await send(3, { channel: 'sms', priority: 'normal' });
    await expect(send(4, { channel: 'email', priority: 'low' })).rejects.toBeInstanceOf(
      UnroutableMessageError,
    );

    expect((await any.reach(2)).map(bodyOf)).toEqual([{ n: 2 }, { n: 3 }]);
    expect((await all.reach(1)).map(bodyOf)).toEqual([{ n: 1 }]);
  });

  it('code names a router logically; bindings and sends reach the real one the transport was given', async () => {
    const realName = world().name('notifications');
    await world().declare({ exchanges: [{ name: realName, type: 'fanout' }] });
    const logical = await world().open({ logicalNames: { notifications: realName } });
    const seen = new Countdown<InboundMessage>();
    await logical.consume(
      endpoint(world().name('logical'), [], { bindings: [{ exchange: 'notifications' }] }),
      recording(seen),
    );

    await transport.send(outbound(ContractCommand, { n: 1 }), { exchange: realName });
    await logical.send(outbound(ContractCommand, { n: 2 }), { exchange: 'notifications' });

    expect((await seen.reach(2)).map(bodyOf)).toEqual([{ n: 1 }, { n: 2 }]);
  });
}
