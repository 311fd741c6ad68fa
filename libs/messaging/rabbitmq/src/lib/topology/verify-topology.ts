import type { Channel, ChannelModel } from 'amqplib';
import { TopologyMissingError } from './topology-missing.error';
import type { Topology } from './topology';

/** RabbitMQ closes the channel with this code when a passive declaration finds nothing. */
const NOT_FOUND = 404;

/**
 * Checks, with passive declarations (which need no `configure` permission), that every exchange
 * and queue of the topology exists, and throws one `TopologyMissingError` naming all that do
 * not. AMQP cannot read bindings or a queue's arguments back: those are the administrator's
 * declaration's to get right (a conflicting one fails there, with `TopologyMismatchError`).
 */
export async function verifyTopology(connection: ChannelModel, topology: Topology): Promise<void> {
  let channel = await openChannel(connection);
  const missing = { exchanges: [] as string[], queues: [] as string[] };
  const check = async (list: string[], name: string, passive: (c: Channel) => Promise<unknown>) => {
    try {
      await passive(channel);
    } catch (error) {
      if ((error as { code?: number }).code !== NOT_FOUND) throw error;
      list.push(name);
      // A failed passive declaration closes its channel: go on with a new one.
      channel = await openChannel(connection);
    }
  };
  try {
    for (const name of unique(topology.exchanges.map((exchange) => exchange.name))) {
      await check(missing.exchanges, name, (c) => c.checkExchange(name));
    }
    for (const name of unique(topology.queues.map((queue) => queue.name))) {
      await check(missing.queues, name, (c) => c.checkQueue(name));
    }
  } finally {
    await channel.close().catch(() => undefined);
  }
  if (missing.exchanges.length || missing.queues.length) {
    throw new TopologyMissingError(missing.exchanges, missing.queues);
  }
}

async function openChannel(connection: ChannelModel): Promise<Channel> {
  const channel = await connection.createChannel();
  // The refusal also emits 'error' on the channel; the rejected promise carries it.
  channel.on('error', () => undefined);
  return channel;
}

const unique = (names: string[]) => [...new Set(names)];
