import type { Channel, Message } from 'amqplib';
import { ChannelAcks } from '../lib/consuming/channel-acks';

/** A channel that records how it was asked to settle (pure logic: what goes on the wire). */
function recordingChannel() {
  const frames: string[] = [];
  const channel = {
    ack: (message: Message, multiple: boolean) =>
      frames.push(`ack ${message.fields.deliveryTag}${multiple ? ' multiple' : ''}`),
    nack: (message: Message, _multiple: boolean, requeue: boolean) =>
      frames.push(`nack ${message.fields.deliveryTag}${requeue ? ' requeue' : ''}`),
  } as unknown as Channel;
  return { channel, frames };
}

const delivery = (deliveryTag: number) => ({ fields: { deliveryTag } }) as Message;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ChannelAcks', () => {
  it('acks handlers that finished in delivery order with one multiple ack per turn', async () => {
    const { channel, frames } = recordingChannel();
    const acks = new ChannelAcks(channel);
    const messages = [1, 2, 3, 4].map(delivery);
    messages.forEach((message) => acks.delivered(message));
    messages.forEach((message) => acks.ack(message));
    expect(frames).toEqual([]);
    await nextTurn();
    expect(frames).toEqual(['ack 4 multiple']);
  });

  it('never covers a delivery still being handled: what finished after it is acked alone', async () => {
    const { channel, frames } = recordingChannel();
    const acks = new ChannelAcks(channel);
    const [one, two, three, four] = [1, 2, 3, 4].map(delivery);
    [one, two, three, four].forEach((message) => acks.delivered(message));
    acks.ack(one);
    acks.ack(three);
    acks.ack(four);
    await nextTurn();
    expect(frames).toEqual(['ack 1', 'ack 3', 'ack 4']);
    acks.ack(two);
    await nextTurn();
    expect(frames).toEqual(['ack 1', 'ack 3', 'ack 4', 'ack 2']);
  });

  it('sends a nack at once and alone, and a later multiple ack starts after it', async () => {
    const { channel, frames } = recordingChannel();
    const acks = new ChannelAcks(channel);
    const [one, two, three] = [1, 2, 3].map(delivery);
    [one, two, three].forEach((message) => acks.delivered(message));
    acks.ack(one);
    acks.nack(two, false);
    expect(frames).toEqual(['nack 2']);
    acks.ack(three);
    await nextTurn();
    expect(frames).toEqual(['nack 2', 'ack 3 multiple']);
  });

  it('flush sends the gathered acks at once (before the channel closes)', () => {
    const { channel, frames } = recordingChannel();
    const acks = new ChannelAcks(channel);
    acks.delivered(delivery(7));
    acks.ack(delivery(7));
    acks.flush();
    expect(frames).toEqual(['ack 7']);
  });

  it('a channel that died under it throws on settling: ignored, the broker redelivers', async () => {
    const dead = {
      ack: () => {
        throw new Error('Channel closed');
      },
      nack: () => {
        throw new Error('Channel closed');
      },
    } as unknown as Channel;
    const acks = new ChannelAcks(dead);
    acks.delivered(delivery(1));
    acks.delivered(delivery(2));
    acks.ack(delivery(1));
    expect(() => acks.nack(delivery(2), true)).not.toThrow();
    await nextTurn();
  });
});
