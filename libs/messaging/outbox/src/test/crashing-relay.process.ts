/**
 * A relay in a process of its own that dies (SIGKILL, no clean-up of any kind) right after the
 * broker confirmed its first batch and before the rows are marked: the worst moment, as in a
 * crash or an OOM kill. Started by the tests with fork(); argv: database URL, then the transport
 * options as JSON.
 */
import { silentLogger } from '@shopbus/messaging-core';
import { RabbitMqTransport, type RabbitMqTransportOptions } from '@shopbus/messaging-rabbitmq';
import { OutboxRelay } from '../lib/relay/outbox-relay';

async function main(): Promise<void> {
  const [databaseUrl, transportOptions] = process.argv.slice(2);
  const transport = new RabbitMqTransport({
    ...(JSON.parse(transportOptions) as RabbitMqTransportOptions),
    logger: silentLogger,
  });
  await transport.start();
  const relay = new OutboxRelay({ databaseUrl, transport, logger: silentLogger }, async () => {
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  });
  await relay.start();
  process.send?.('ready');
}

void main();
