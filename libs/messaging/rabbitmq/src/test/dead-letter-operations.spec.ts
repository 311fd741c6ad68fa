import { handlerFor, type MessageEnvelope } from '@shopbus/messaging-core';
import { Countdown } from '@shopbus/testing';
import { runDlqCommand } from '../cli/dlq-command';
import { naming } from '../lib/topology/naming';
import { DoThing } from './test-contracts';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

describe('dead-letter queue operations: list, replay, purge', () => {
  let fixture: TransportFixture;
  let queue: string;
  /** While true the handler fails every message; the "fix" sets it to false. */
  let broken: boolean;
  let handled: Countdown<{ n: number; headers: Record<string, unknown> }>;
  let calls: number;

  beforeEach(async () => {
    fixture = await startTransportFixture(
      {},
      {
        recoverability: { immediateAttempts: 2, immediateIntervalMs: 0, redeliveryDelaysMs: [200] },
      },
    );
    queue = fixture.queueName('fragile');
    broken = true;
    calls = 0;
    handled = new Countdown();
    await fixture.bus.subscribe({
      queue,
      handlers: [
        handlerFor(DoThing, async ({ n }, { envelope }) => {
          calls += 1;
          if (broken) throw new Error(`cannot do ${n} yet`);
          handled.record({ n, headers: envelope.headers });
        }),
      ],
    });
  });
  afterEach(() => fixture.close());

  const deadLetter = async (...numbers: number[]): Promise<MessageEnvelope[]> => {
    const sent: MessageEnvelope[] = [];
    for (const n of numbers) sent.push(await fixture.bus.send(DoThing, { n }));
    await fixture.admin.untilMessageCount(naming.deadLetterQueue(queue), numbers.length);
    return sent;
  };

  it('list shows every message with its fault, oldest first, and leaves them all in place', async () => {
    const sent = await deadLetter(1, 2, 3);
    const dlq = fixture.transport.deadLetterQueues();

    const first = await dlq.list(queue);
    const second = await dlq.list(queue, { limit: 2 });

    expect(first.total).toBe(3);
    expect(first.messages.map((m) => m.messageId)).toEqual(sent.map((e) => e.messageId));
    expect(first.messages[0]).toMatchObject({
      messageType: 'test.do-thing',
      reason: 'cannot do 1 yet',
      errorType: 'Error',
      attempts: 4,
      service: 'test-service',
      originalExchange: fixture.transport.commandsExchange,
      originalRoutingKey: 'test.do-thing',
      replayCount: 0,
      body: '{"n":1}',
    });
    expect(second.messages.map((m) => m.messageId)).toEqual(
      sent.slice(0, 2).map((e) => e.messageId),
    );
    expect(await fixture.admin.messageCount(naming.deadLetterQueue(queue))).toBe(3);
  });

  it('replay brings every message back and the fixed handler consumes them, marked as replayed', async () => {
    const sent = await deadLetter(1, 2);
    broken = false;

    const result = await fixture.transport.deadLetterQueues().replay(queue);
    await handled.reach(2);

    expect(result).toEqual({ replayed: sent.map((e) => e.messageId), remaining: 0 });
    expect(handled.seen.map((h) => h.n).sort()).toEqual([1, 2]);
    expect(handled.seen[0].headers['replay-count']).toBe(1);
    expect(Date.parse(String(handled.seen[0].headers['replayed-at']))).not.toBeNaN();
    expect(handled.seen[0].headers).not.toHaveProperty('fault-message');
    expect(await fixture.admin.messageCount(naming.deadLetterQueue(queue))).toBe(0);
  });

  it('replay of one message id leaves the others dead-lettered, in their order', async () => {
    const [one, two, three] = await deadLetter(1, 2, 3);
    broken = false;
    const dlq = fixture.transport.deadLetterQueues();

    const result = await dlq.replay(queue, { messageIds: [two.messageId] });
    await handled.reach(1);

    expect(result).toEqual({ replayed: [two.messageId], remaining: 2 });
    expect(handled.seen.map((h) => h.n)).toEqual([2]);
    const left = await dlq.list(queue);
    expect(left.messages.map((m) => m.messageId)).toEqual([one.messageId, three.messageId]);
  });

  it('a replayed message starts its attempts again and, failing again, returns with the replay counted', async () => {
    const [sent] = await deadLetter(7);
    const callsBeforeReplay = calls;

    await fixture.transport.deadLetterQueues().replay(queue);
    const [again] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));

    // immediate 2 × (1 delayed + 1): the whole policy again, not a single extra attempt.
    expect(callsBeforeReplay).toBe(4);
    expect(calls - callsBeforeReplay).toBe(4);
    expect(again.properties.messageId).toBe(sent.messageId);
    expect(again.properties.headers).toMatchObject({
      'fault-attempts': 4,
      'redelivery-count': 1,
      'replay-count': 1,
      'fault-original-exchange': fixture.transport.commandsExchange,
    });
  });

  it('purge deletes them and says how many', async () => {
    await deadLetter(1, 2);
    expect(await fixture.transport.deadLetterQueues().purge(queue)).toBe(2);
    expect(await fixture.admin.messageCount(naming.deadLetterQueue(queue))).toBe(0);
  });

  it('operations on a queue that does not exist fail with its name', async () => {
    await expect(fixture.transport.deadLetterQueues().list('no-such-endpoint')).rejects.toThrow(
      'There is no queue "no-such-endpoint.dlq" on the broker',
    );
  });

  describe('the dlq command', () => {
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runDlqCommand(argv, {
        print: (line) => out.push(line),
        printError: (line) => err.push(line),
        env: process.env,
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };

    it('lists in text and JSON', async () => {
      const [sent] = await deadLetter(9);

      const text = await run('list', queue);
      const json = await run('list', queue, '--json');

      expect(text.code).toBe(0);
      expect(text.out).toContain(`${naming.deadLetterQueue(queue)}: 1 message(s), showing 1`);
      expect(text.out).toContain(`1. ${sent.messageId} test.do-thing`);
      expect(text.out).toContain('Error: cannot do 9 yet (4 attempt(s), test-service,');
      expect(text.out).toContain('body {"n":9}');
      expect(JSON.parse(json.out)).toMatchObject({
        total: 1,
        messages: [{ messageId: sent.messageId }],
      });
    });

    it('replays by id and reports ids it did not find', async () => {
      const [sent] = await deadLetter(4);
      broken = false;

      const result = await run('replay', queue, '--id', sent.messageId, '--id', 'missing-id');
      await handled.reach(1);

      expect(result.code).toBe(0);
      expect(result.out).toContain(
        `replayed 1 to ${queue}; 0 left in ${naming.deadLetterQueue(queue)}`,
      );
      expect(result.err).toBe('not found: missing-id');
    });

    it('refuses to purge without --yes and deletes nothing', async () => {
      await deadLetter(5);
      const refused = await run('purge', queue);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('add --yes');
      expect(await fixture.admin.messageCount(naming.deadLetterQueue(queue))).toBe(1);

      const purged = await run('purge', queue, '--yes');
      expect(purged).toMatchObject({
        code: 0,
        out: `purged 1 from ${naming.deadLetterQueue(queue)}`,
      });
    });

    it.each([
      [['list'], 'a command and a queue are required'],
      [['drop', 'q'], 'unknown command "drop"'],
      [['list', 'q', '--limit', 'lots'], '--limit must be a positive integer, got "lots"'],
      [['list', 'q', '--colour'], "Unknown option '--colour'"],
    ])('answers %j with a usage error', async (argv, message) => {
      const result = await run(...argv);
      expect(result.code).toBe(2);
      expect(result.err).toContain(message);
      expect(result.err).toContain('Usage: dlq');
    });

    it('fails with exit code 1 and the reason when the broker cannot be reached', async () => {
      const result = await run('list', queue, '--url', 'amqp://guest:guest@127.0.0.1:1');
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^dlq list failed: .*ECONNREFUSED/);
    });
  });
});
