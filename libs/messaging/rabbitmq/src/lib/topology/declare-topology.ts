import type { Channel, ChannelModel } from 'amqplib';
import { queueAssertOptions } from './queue-arguments';
import { TopologyMismatchError } from './topology-mismatch.error';
import type { BindingDeclaration, Topology } from './topology';

/** RabbitMQ closes the channel with this code when a declaration conflicts with what exists. */
const PRECONDITION_FAILED = 406;

/**
 * Declares exchanges, then queues, then bindings, on a channel of its own (a failed declaration
 * closes its channel). Idempotent: run at every connection and reconnection.
 */
export async function declareTopology(connection: ChannelModel, topology: Topology): Promise<void> {
  const channel = await connection.createChannel();
  // A refused declaration also emits 'error' on the channel; the rejected promise carries it.
  channel.on('error', () => undefined);
  try {
    for (const exchange of topology.exchanges) {
      await guard('exchange', exchange.name, () =>
        channel.assertExchange(exchange.name, exchange.type, {
          durable: exchange.durable ?? true,
          internal: exchange.internal ?? false,
          alternateExchange: exchange.alternateExchange,
        }),
      );
    }
    for (const queue of topology.queues) {
      await guard('queue', queue.name, () =>
        channel.assertQueue(queue.name, queueAssertOptions(queue)),
      );
    }
    for (const binding of topology.bindings) await bind(channel, binding);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

function bind(channel: Channel, binding: BindingDeclaration): Promise<unknown> {
  const pattern = binding.pattern ?? '';
  const args = binding.headersMatch
    ? { 'x-match': binding.headersMatch.match, ...binding.headersMatch.headers }
    : undefined;
  return binding.destinationKind === 'exchange'
    ? channel.bindExchange(binding.destination, binding.source, pattern, args)
    : channel.bindQueue(binding.destination, binding.source, pattern, args);
}

async function guard<T>(
  kind: 'queue' | 'exchange',
  name: string,
  declare: () => Promise<T>,
): Promise<T> {
  try {
    return await declare();
  } catch (error) {
    const { code, message } = error as { code?: number; message: string };
    if (code === PRECONDITION_FAILED) throw new TopologyMismatchError(kind, name, message);
    throw error;
  }
}
