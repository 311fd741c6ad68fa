/**
 * The benchmark's consumer, in a process of its own as the subscribing service would be, so
 * that the relay's process (Prisma, the relay) and the consumer do not share an event loop.
 * It acknowledges every message and tells the parent when each message id arrived, in
 * milliseconds on the machine's clock (performance.timeOrigin + performance.now()).
 */
import { connect } from 'amqplib';

type Command = { type: 'collect'; count: number };

async function main(): Promise<void> {
  const [url, queue] = process.argv.slice(2);
  const connection = await connect(url);
  const channel = await connection.createChannel();
  await channel.prefetch(500);
  let arrivals: [string, number][] = [];
  let wanted: number | undefined;
  const report = () => {
    if (wanted !== undefined && arrivals.length >= wanted) {
      process.send?.({ type: 'arrivals', arrivals });
      arrivals = [];
      wanted = undefined;
    }
  };
  await channel.consume(queue, (message) => {
    if (!message) return;
    arrivals.push([
      String(message.properties.messageId),
      performance.timeOrigin + performance.now(),
    ]);
    channel.ack(message);
    report();
  });
  process.on('message', (command: Command) => {
    wanted = command.count;
    report();
  });
  process.on('disconnect', () => void connection.close().finally(() => process.exit(0)));
  process.send?.({ type: 'ready' });
}

void main();
