import { createEnvelope } from '../lib/envelope/message-envelope';
import { byCorrelationId, partitionBy } from '../lib/consuming/partition-by';
import type { InboundMessage } from '../lib/ports/transport';

/** A message of conversation `correlationId`, named `name` in its body; no broker involved. */
function message(correlationId: string, name: string): InboundMessage {
  const { payload: _payload, ...metadata } = createEnvelope({
    messageType: 'test.step',
    payload: null,
    source: 'sender',
    correlationId,
  });
  return {
    metadata,
    body: Buffer.from(name),
    redelivered: false,
    redeliveryCount: 0,
    redeliverLater: async () => undefined,
    deadLetter: async () => undefined,
  };
}

/** A handler whose every call waits until the test finishes it by name. */
function controlledHandler() {
  const started: string[] = [];
  const finishers = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  const handler = (inbound: InboundMessage) =>
    new Promise<void>((resolve, reject) => {
      const name = inbound.body.toString();
      started.push(name);
      finishers.set(name, { resolve, reject });
    });
  const finisher = (name: string) => {
    const found = finishers.get(name);
    if (!found) throw new Error(`${name} has not started`);
    return found;
  };
  return {
    started,
    handler,
    finish: (name: string) => finisher(name).resolve(),
    fail: (name: string, error: Error) => finisher(name).reject(error),
  };
}

/** Lets every settled promise's callbacks run (no timers involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('partitionBy', () => {
  it('handles messages of different keys at once and those of one key one after another, in order', async () => {
    const { started, handler, finish } = controlledHandler();
    const handle = partitionBy(byCorrelationId, handler);
    const a1 = handle(message('order-a', 'a1'));
    const a2 = handle(message('order-a', 'a2'));
    const b1 = handle(message('order-b', 'b1'));
    const a3 = handle(message('order-a', 'a3'));
    await settle();
    expect(started).toEqual(['a1', 'b1']);

    finish('b1');
    await b1;
    await settle();
    expect(started).toEqual(['a1', 'b1']);

    finish('a1');
    await a1;
    await settle();
    expect(started).toEqual(['a1', 'b1', 'a2']);
    finish('a2');
    await a2;
    await settle();
    expect(started).toEqual(['a1', 'b1', 'a2', 'a3']);
    finish('a3');
    await expect(a3).resolves.toBeUndefined();
  });

  it('lets the next message of a key go after one failed, and hands the failure to its caller', async () => {
    const { started, handler, finish, fail } = controlledHandler();
    const handle = partitionBy(byCorrelationId, handler);
    const first = handle(message('order-a', 'first'));
    const second = handle(message('order-a', 'second'));
    await settle();
    fail('first', new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await settle();
    expect(started).toEqual(['first', 'second']);
    finish('second');
    await expect(second).resolves.toBeUndefined();
  });

  it('puts a message without a correlation id in no partition', async () => {
    const { started, handler } = controlledHandler();
    const handle = partitionBy(byCorrelationId, handler);
    void handle(message('', 'x'));
    void handle(message('', 'y'));
    await settle();
    expect(started).toEqual(['x', 'y']);
  });

  it('forgets a key once its last message is handled, and starts the next one of it at once', async () => {
    const { started, handler, finish } = controlledHandler();
    const handle = partitionBy(byCorrelationId, handler);
    const first = handle(message('order-a', 'first'));
    await settle();
    finish('first');
    await first;
    await settle();
    void handle(message('order-a', 'later'));
    expect(started).toEqual(['first', 'later']);
  });
});
