import { z } from 'zod';
import { MessageBus } from '../lib/bus/message-bus';
import { defineCommand, defineEvent } from '../lib/contracts/message-contract';
import { silentLogger } from '../lib/logging/messaging-logger';
import type { Transport } from '../lib/ports/transport';

const Placed = defineEvent('test.placed', z.object({ n: z.number() }));
const Ship = defineCommand('test.ship', z.object({ n: z.number() }));
const Unlisted = defineEvent('test.unlisted', z.object({ n: z.number() }));

/** Envelopes are made before any transport is involved: none is needed here. */
const noTransport = {} as Transport;

describe('a service’s declared outgoing messages', () => {
  const bus = new MessageBus(noTransport, {
    source: 'orders',
    logger: silentLogger,
    outgoing: [Placed, { contract: Ship, destination: { queue: 'shipping.ship' } }],
  });

  it('lets the bus make envelopes (publish, send, request, outbox rows) for declared types', () => {
    expect(bus.envelope(Placed, { n: 1 }).messageType).toBe('test.placed');
    expect(bus.envelope(Ship, { n: 2 }).messageType).toBe('test.ship');
  });

  it('refuses any other type, naming the service and the list to extend', () => {
    expect(() => bus.envelope(Unlisted, { n: 3 })).toThrow(
      `orders does not declare that it sends "test.unlisted": add it to the service's outgoing messages`,
    );
  });

  it('holds a bus without a declaration to nothing', () => {
    const open = new MessageBus(noTransport, { source: 'tool', logger: silentLogger });
    expect(open.envelope(Unlisted, { n: 4 }).messageType).toBe('test.unlisted');
  });
});
