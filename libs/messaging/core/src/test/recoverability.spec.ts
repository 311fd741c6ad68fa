import type { ConsumeContext } from '../lib/consuming/consume-context';
import { createEnvelope } from '../lib/envelope/message-envelope';
import {
  NonRetryableError,
  TransportDisconnectedError,
  UnpublishableMessageError,
} from '../lib/errors';
import { silentLogger } from '../lib/logging/messaging-logger';
import type { Fault } from '../lib/recoverability/fault';
import { recoverability } from '../lib/recoverability/recoverability.middleware';
import { recoverabilityPolicy } from '../lib/recoverability/recoverability-policy';

/** A delivery whose settling actions are recorded instead of reaching a broker. */
function delivery(redeliveryCount: number) {
  const settled: { redeliveredAfterMs?: number; deadLettered?: Fault } = {};
  const { payload: _payload, ...metadata } = createEnvelope({
    messageType: 'test.work',
    payload: null,
    source: 'sender',
  });
  const context: ConsumeContext = {
    endpoint: 'work',
    attempt: 1,
    message: {
      metadata,
      body: Buffer.from('{}'),
      redelivered: false,
      redeliveryCount,
      redeliverLater: async (delayMs) => {
        settled.redeliveredAfterMs = delayMs;
      },
      deadLetter: async (fault) => {
        settled.deadLettered = fault;
      },
    },
  };
  return { context, settled };
}

const policy = recoverabilityPolicy({
  immediateAttempts: 3,
  immediateIntervalMs: 0,
  redeliveryDelaysMs: [1000, 5000],
});
const middleware = recoverability({ policy, service: 'svc', logger: silentLogger });

describe('the recoverability middleware', () => {
  it('retries immediately, then asks for the delay of the redelivery level the message is at', async () => {
    const { context, settled } = delivery(1);
    const handler = jest.fn(async () => {
      throw new Error('down');
    });

    await middleware(context, handler);

    expect(handler).toHaveBeenCalledTimes(3);
    expect(settled).toEqual({ redeliveredAfterMs: 5000 });
  });

  it('after the last level dead-letters with every attempt counted', async () => {
    const { context, settled } = delivery(2);
    await middleware(context, async () => {
      throw new RangeError('still down');
    });
    expect(settled.redeliveredAfterMs).toBeUndefined();
    expect(settled.deadLettered).toMatchObject({
      errorMessage: 'still down',
      errorType: 'RangeError',
      attempts: 9,
      service: 'svc',
    });
  });

  it('dead-letters a non-retryable error after one attempt, at any level', async () => {
    const { context, settled } = delivery(0);
    const handler = jest.fn(async () => {
      throw new NonRetryableError('never');
    });
    await middleware(context, handler);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(settled.deadLettered).toMatchObject({ errorType: 'NonRetryableError', attempts: 1 });
  });

  const announcingFails = (error: Error) =>
    recoverability({
      policy,
      service: 'svc',
      logger: silentLogger,
      beforeDeadLetter: async () => {
        throw error;
      },
    });

  it('does not dead-letter when the broker is away as the fault is announced: the error escapes and the broker keeps the message', async () => {
    const { context, settled } = delivery(2);
    await expect(
      announcingFails(new TransportDisconnectedError('broker went away'))(context, async () => {
        throw new Error('down');
      }),
    ).rejects.toThrow('broker went away');
    expect(settled.deadLettered).toBeUndefined();
  });

  it('dead-letters all the same when the fault announcement can never be published, so the message cannot loop', async () => {
    const { context, settled } = delivery(2);
    await announcingFails(new UnpublishableMessageError('routing key too long'))(
      context,
      async () => {
        throw new Error('down');
      },
    );
    expect(settled.deadLettered).toMatchObject({ errorMessage: 'down', attempts: 9 });
  });

  it('resolves without settling anything when the handler succeeds', async () => {
    const { context, settled } = delivery(0);
    await middleware(context, async () => undefined);
    expect(settled).toEqual({});
  });
});
