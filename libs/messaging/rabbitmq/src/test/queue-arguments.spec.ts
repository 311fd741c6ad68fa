import { queueAssertOptions } from '../lib/topology/queue-arguments';

describe('queue arguments', () => {
  it('dead-letters at least once from a quorum queue, refusing publishes rather than dropping', () => {
    expect(queueAssertOptions({ name: 'q', kind: 'quorum', deadLetterExchange: 'dlx' })).toEqual({
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': 'dlx',
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
  });

  it('keeps RabbitMQ’s at-most-once when asked, and sets no strategy without a dead-letter exchange', () => {
    expect(
      queueAssertOptions({
        name: 'q',
        kind: 'quorum',
        deadLetterExchange: '',
        deadLetterStrategy: 'at-most-once',
      }).arguments,
    ).toEqual({
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': '',
      'x-dead-letter-strategy': 'at-most-once',
    });
    expect(queueAssertOptions({ name: 'q', kind: 'quorum' }).arguments).toEqual({
      'x-queue-type': 'quorum',
    });
  });

  it('gives a classic queue no quorum arguments, and refuses a delivery limit on it', () => {
    expect(queueAssertOptions({ name: 'q', deadLetterExchange: 'dlx' }).arguments).toEqual({
      'x-queue-type': 'classic',
      'x-dead-letter-exchange': 'dlx',
    });
    expect(() => queueAssertOptions({ name: 'q', deliveryLimit: 5 })).toThrow(
      'Queue "q": deliveryLimit needs a quorum queue',
    );
  });
});
