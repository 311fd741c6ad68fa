import { Controller, Inject, Injectable } from '@nestjs/common';
import { ClientProxy, Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  defineCommand,
  defineEvent,
  defineQuery,
  NonRetryableError,
  RemoteHandlerError,
  RequestTimeoutError,
  type MessageContext,
  type PayloadOf,
} from '@shopbus/messaging-core';
import { Countdown, deferred } from '@shopbus/testing';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { z } from 'zod';
import { MessageHandler } from '../lib/message-handler.decorator';
import {
  headersOf,
  SHOP_CLIENT,
  startNestMessaging,
  type NestMessagingFixture,
} from './nest-messaging-fixture';

const ParcelPacked = defineEvent('test.parcel-packed', z.object({ n: z.number().int() }));
const ShipParcel = defineCommand('test.ship-parcel', z.object({ n: z.number().int() }));
const QuoteParcel = defineQuery(
  'test.quote-parcel',
  z.object({ kg: z.number() }),
  z.object({ price: z.number() }),
);
const GiftWrapped = defineEvent('test.gift-wrapped', z.object({ note: z.string() }));
const contracts = [ParcelPacked, ShipParcel, QuoteParcel, GiftWrapped];

/** When the packing handler was called, per parcel number (created on first use by either side). */
const packingCalls = new Map<number, Countdown<number>>();
const callsOf = (n: number) => {
  if (!packingCalls.has(n)) packingCalls.set(n, new Countdown<number>());
  return packingCalls.get(n) as Countdown<number>;
};
const allPackingCalls = () =>
  [...packingCalls.values()].reduce((sum, calls) => sum + calls.seen.length, 0);
const shipped = new Countdown<{ n: number; context: MessageContext }>();
const wrapped = new Countdown<string>();
const untyped = new Countdown<unknown>();
const suiteEnded = deferred();
const failuresOf = (n: number) => (n >= 100 ? Infinity : n >= 10 ? n - 10 : 0);

@Controller()
class ParcelController {
  /** Fails `failuresOf(n)` times, then succeeds; `n` ≥ 100 fails with NonRetryableError. */
  @EventPattern(ParcelPacked.type)
  async whenPacked(@Payload() { n }: PayloadOf<typeof ParcelPacked>): Promise<void> {
    const calls = callsOf(n);
    calls.record(Date.now());
    if (n >= 200) throw new NonRetryableError(`parcel ${n} is addressed to nowhere`);
    if (calls.seen.length <= failuresOf(n)) throw new TypeError(`scanner ${n} is jammed`);
  }

  @EventPattern(ShipParcel.type)
  async ship(@Payload() { n }: PayloadOf<typeof ShipParcel>, @Ctx() context: MessageContext) {
    shipped.record({ n, context });
  }

  @MessagePattern(QuoteParcel.type)
  quote(@Payload() { kg }: PayloadOf<typeof QuoteParcel>): { price: number } {
    if (kg < 0) throw new Error(`a parcel cannot weigh ${kg} kg`);
    return { price: kg * 2 };
  }

  /** Answers only once the suite ends: longer than any requester waits. */
  @MessagePattern('test.slow-quote')
  async slowQuote(): Promise<{ price: number }> {
    await suiteEnded.promise;
    return { price: 0 };
  }

  @EventPattern('test.untyped-note')
  async note(@Payload() payload: unknown): Promise<void> {
    untyped.record(payload);
  }
}

/** The decorator style, in the same service: the client's messages reach it too. */
@Injectable()
class GiftWrapping {
  @MessageHandler(GiftWrapped)
  async whenWrapped({ note }: PayloadOf<typeof GiftWrapped>): Promise<void> {
    wrapped.record(note);
  }
}

@Injectable()
class Shop {
  constructor(@Inject(SHOP_CLIENT) readonly client: ClientProxy) {}
}

describe('ShopbusServer: @EventPattern and @MessagePattern handlers on shopbus endpoints', () => {
  let fixture: NestMessagingFixture;
  let client: ClientProxy;

  beforeAll(async () => {
    fixture = await startNestMessaging({
      controllers: [ParcelController],
      providers: [GiftWrapping, Shop],
      contracts,
      recoverability: {
        immediateAttempts: 2,
        immediateIntervalMs: 10,
        redeliveryDelaysMs: [300, 600],
      },
      handledTypes: [
        ...contracts.map((contract) => contract.type),
        'test.slow-quote',
        'test.untyped-note',
      ],
    });
    client = fixture.app.get(Shop).client;
  });
  afterAll(async () => {
    suiteEnded.resolve();
    await fixture.close();
  });

  const deadLetters = (type: string) => fixture.admin.nextMessages(`${fixture.queueOf(type)}.dlq`);

  it('a message the bus publishes reaches an @EventPattern handler, with its MessageContext', async () => {
    const sent = await fixture.bus.send(ShipParcel, { n: 1 });
    const [{ n, context }] = await shipped.reach(1);
    expect(n).toBe(1);
    expect(context.envelope.messageId).toBe(sent.messageId);
    expect(context.endpoint).toBe(fixture.queueOf(ShipParcel.type));
  });

  it('ClientProxy.emit publishes to a @MessageHandler handler, and sends a command to an @EventPattern one', async () => {
    await lastValueFrom(client.emit(GiftWrapped.type, { note: 'happy birthday' }));
    await lastValueFrom(client.emit(ShipParcel.type, { n: 2 }));
    expect(await wrapped.reach(1)).toEqual(['happy birthday']);
    expect((await shipped.reach(2)).map(({ n }) => n)).toContain(2);
  });

  it('ClientProxy.emit refuses a payload that breaks the pattern’s contract, sending nothing', async () => {
    await expect(lastValueFrom(client.emit(ShipParcel.type, { n: 'three' }))).rejects.toThrow(
      /"test.ship-parcel" is invalid: n: Invalid input/,
    );
  });

  it('a pattern without a contract carries its JSON unchecked', async () => {
    await lastValueFrom(client.emit('test.untyped-note', { anything: ['goes'] }));
    expect(await untyped.reach(1)).toEqual([{ anything: ['goes'] }]);
  });

  it('ClientProxy.send makes a request that a @MessagePattern handler answers', async () => {
    await expect(firstValueFrom(client.send(QuoteParcel.type, { kg: 3 }))).resolves.toEqual({
      price: 6,
    });
  });

  it('ClientProxy.send errors with the responder’s error when its handler fails', async () => {
    const failed = firstValueFrom(client.send(QuoteParcel.type, { kg: -1 }));
    await expect(failed).rejects.toBeInstanceOf(RemoteHandlerError);
    await expect(failed).rejects.toThrow(/a parcel cannot weigh -1 kg/);
  });

  it('ClientProxy.send errors with RequestTimeoutError when no reply comes in time', async () => {
    await expect(firstValueFrom(client.send('test.slow-quote', {}))).rejects.toBeInstanceOf(
      RequestTimeoutError,
    );
  });

  it('ClientProxy.send refuses a pattern that names an event, saying why', async () => {
    await expect(firstValueFrom(client.send(ParcelPacked.type, { n: 1 }))).rejects.toThrow(
      /"test.parcel-packed" is an event, which nobody answers/,
    );
  });

  it('a handler that fails once then succeeds is called twice and the message is acked once', async () => {
    await fixture.bus.publish(ParcelPacked, { n: 11 });
    await callsOf(11).reach(2);
    // A later message through the same endpoint, handled at once, is the barrier.
    await fixture.bus.publish(ParcelPacked, { n: 1 });
    await callsOf(1).reach(1);
    expect(callsOf(11).seen).toHaveLength(2);
    expect(await fixture.admin.messageCount(`${fixture.queueOf(ParcelPacked.type)}.dlq`)).toBe(0);
  });

  it('a handler that always fails runs immediate × (delayed + 1) times, each delay waited, then lands in the DLQ with its fault', async () => {
    const sent = await fixture.bus.publish(ParcelPacked, { n: 150 });
    const [dead] = await deadLetters(ParcelPacked.type);
    const calls = callsOf(150).seen;
    expect(calls).toHaveLength(2 * (2 + 1));
    expect(calls[2] - calls[1]).toBeGreaterThanOrEqual(300);
    expect(calls[4] - calls[3]).toBeGreaterThanOrEqual(600);
    expect(dead.properties.messageId).toBe(sent.messageId);
    expect(headersOf(dead)).toMatchObject({
      'fault-type': 'TypeError',
      'fault-message': 'scanner 150 is jammed',
      'fault-attempts': 6,
      'fault-service': fixture.service,
      'fault-queue': fixture.queueOf(ParcelPacked.type),
      'redelivery-count': 2,
    });
  });

  it('a NonRetryableError thrown behind Nest’s pipeline skips every retry', async () => {
    await fixture.bus.publish(ParcelPacked, { n: 200 });
    const [dead] = await deadLetters(ParcelPacked.type);
    expect(callsOf(200).seen).toHaveLength(1);
    expect(headersOf(dead)).toMatchObject({
      'fault-type': 'NonRetryableError',
      'fault-message': 'parcel 200 is addressed to nowhere',
      'fault-attempts': 1,
    });
  });

  it.each([
    [
      'malformed JSON',
      '{"n":',
      { type: ParcelPacked.type },
      'MalformedMessageError',
      /not valid JSON/,
    ],
    ['a message without a type', '{"n":1}', {}, 'UnknownMessageTypeError', /"\(none\)"/],
    [
      'a type no handler of the queue takes',
      '{"n":1}',
      { type: 'test.unheard-of' },
      'UnknownMessageTypeError',
      /"test.unheard-of"/,
    ],
    [
      'a payload that breaks the contract',
      '{"n":"one"}',
      { type: ParcelPacked.type },
      'MessageValidationError',
      /n: Invalid input/,
    ],
  ])(
    '%s goes to the DLQ with its reason after one attempt, never reaching the handler',
    async (_, body, properties, errorType, reason) => {
      const before = allPackingCalls();
      await fixture.admin.publishRaw(fixture.queueOf(ParcelPacked.type), body, {
        messageId: `raw-${errorType}`,
        ...properties,
      });
      const [dead] = await deadLetters(ParcelPacked.type);
      expect(dead.content.toString()).toBe(body);
      expect(headersOf(dead)).toMatchObject({ 'fault-type': errorType, 'fault-attempts': 1 });
      expect(String(headersOf(dead)['fault-message'])).toMatch(reason);
      expect(allPackingCalls()).toBe(before);
    },
  );
});
