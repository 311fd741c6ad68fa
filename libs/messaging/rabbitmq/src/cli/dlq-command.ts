import { parseArgs } from 'node:util';
import { DeadLetterQueues } from '../lib/dead-letters/dead-letter-queues';
import type { DeadLetteredMessage } from '@shopbus/messaging-core';
import { naming } from '../lib/topology/naming';

export const DLQ_USAGE = `Usage: dlq <command> <queue> [options]

Works on <queue>.dlq, the dead-letter queue of the endpoint <queue>.

Commands:
  list <queue>     show the dead-lettered messages and why they failed; nothing is removed
  replay <queue>   move messages back to <queue>, attempts reset (all, or those given by --id)
  purge <queue>    delete every dead-lettered message (needs --yes)

Options:
  --url <amqp-url>  broker (default: $RABBITMQ_URL, else amqp://guest:guest@127.0.0.1:5672)
  --limit <n>       list: show at most n messages (default 20)
  --id <messageId>  replay: only this message; repeat for several
  --json            list, replay: print JSON instead of text
  --yes             purge: really delete
`;

export interface DlqCommandIo {
  /** Writes one line of output (stdout). */
  print(line: string): void;
  /** Writes one line of diagnostics (stderr). */
  printError(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes: 0 done, 1 the operation failed, 2 the command line was wrong. */
export async function runDlqCommand(argv: readonly string[], io: DlqCommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        limit: { type: 'string', default: '20' },
        id: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.printError(`${(error as Error).message}\n\n${DLQ_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, queue, ...extra] = positionals;
  const limit = Number(values.limit);
  if (values.help) {
    io.print(DLQ_USAGE);
    return 0;
  }
  const problem =
    !command || !queue
      ? 'a command and a queue are required'
      : !['list', 'replay', 'purge'].includes(command)
        ? `unknown command "${command}"`
        : extra.length > 0
          ? `unexpected arguments: ${extra.join(' ')}`
          : !Number.isInteger(limit) || limit < 1
            ? `--limit must be a positive integer, got "${values.limit}"`
            : undefined;
  if (problem) {
    io.printError(`dlq: ${problem}\n\n${DLQ_USAGE}`);
    return 2;
  }
  if (command === 'purge' && !values.yes) {
    io.printError(
      `dlq: purge deletes every message in ${naming.deadLetterQueue(queue)}; add --yes`,
    );
    return 2;
  }

  const url = values.url ?? io.env['RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
  let queues: DeadLetterQueues | undefined;
  try {
    queues = await DeadLetterQueues.connect(url);
    if (command === 'list') {
      const listing = await queues.list(queue, { limit });
      if (values.json) io.print(JSON.stringify(listing, null, 2));
      else printListing(io, queue, listing.total, listing.messages);
    } else if (command === 'replay') {
      const result = await queues.replay(queue, { messageIds: values.id });
      if (values.json) io.print(JSON.stringify(result, null, 2));
      else {
        io.print(
          `replayed ${result.replayed.length} to ${queue}; ${result.remaining} left in ${naming.deadLetterQueue(queue)}`,
        );
        for (const id of result.replayed) io.print(`  ${id}`);
        const missing = (values.id ?? []).filter((id) => !result.replayed.includes(id));
        if (missing.length > 0) io.printError(`not found: ${missing.join(', ')}`);
      }
    } else {
      const purged = await queues.purge(queue);
      io.print(`purged ${purged} from ${naming.deadLetterQueue(queue)}`);
    }
    return 0;
  } catch (error) {
    io.printError(`dlq ${command} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await queues?.close().catch(() => undefined);
  }
}

function printListing(
  io: DlqCommandIo,
  queue: string,
  total: number,
  messages: readonly DeadLetteredMessage[],
): void {
  io.print(`${naming.deadLetterQueue(queue)}: ${total} message(s), showing ${messages.length}`);
  messages.forEach((message, index) => {
    const failure = [
      message.attempts === undefined ? undefined : `${message.attempts} attempt(s)`,
      message.service,
      message.failedAt,
    ].filter(Boolean);
    io.print(
      [
        `${index + 1}. ${message.messageId ?? '(no id)'} ${message.messageType ?? '(no type)'}` +
          (message.correlationId ? ` correlation ${message.correlationId}` : ''),
        `   ${message.errorType ? `${message.errorType}: ` : ''}${message.reason}` +
          (failure.length > 0 ? ` (${failure.join(', ')})` : ''),
        `   from exchange "${message.originalExchange ?? '?'}" key "${message.originalRoutingKey ?? '?'}"` +
          (message.replayCount > 0 ? `; replayed ${message.replayCount} time(s) before` : ''),
        `   body ${message.body.length > 200 ? `${message.body.slice(0, 200)}…` : message.body}`,
      ].join('\n'),
    );
  });
}
