import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { handlerFor, MessageBus, silentLogger } from '@shopbus/messaging-core';
import {
  LocalRabbitCluster,
  until,
  uniqueExchanges,
  uniqueName,
  type ClusterNode,
} from '@shopbus/testing';
import { RabbitMqTransport } from '../lib/rabbitmq-transport';
import { ThingHappened } from './test-contracts';

/** How long the load runs, when the node is killed and when it comes back (ms from the start). */
const LOAD_MS = 14_000;
const KILL_AT_MS = 3_000;
const RESTART_AT_MS = 9_000;
/** One publish every PACE_MS, each awaited. */
const PACE_MS = 5;

/**
 * Three RabbitMQ nodes on this machine (started for the suite, torn down after), an endpoint on a
 * quorum queue replicated over them (its leader on the first node), a steady publish/consume load through transports given every
 * node's address, and the first node killed under load, then started again. The ledger: every
 * message the broker confirmed is consumed, none lost, and messages flow again while the killed
 * node is still down. Each run prints its ledger.
 */
describe('a three-node cluster on quorum queues: the leader’s node killed under load', () => {
  let cluster: LocalRabbitCluster;
  const transports: RabbitMqTransport[] = [];

  beforeAll(async () => {
    cluster = await LocalRabbitCluster.start({
      basePort: 40671,
      prefix: `shopbus-${randomBytes(3).toString('hex')}`,
    });
  }, 150_000);
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close().catch(() => undefined);
  });
  afterAll(() => cluster?.stop());

  /** The publisher's and the consumer's transports start on `first`, then the other nodes. */
  const ledger = async (first: ClusterNode, scenario: string) => {
    const [leaderNode] = cluster.nodes;
    const exchanges = uniqueExchanges();
    const queue = uniqueName('ledger');
    const open = async (role: string, nodes: readonly ClusterNode[]) => {
      const transport = new RabbitMqTransport({
        url: nodes.map((node) => node.url),
        addressOrder: 'in-order',
        connectionName: `cluster ${role}`,
        queueKind: 'quorum',
        ...exchanges,
        logger: silentLogger,
      });
      transports.push(transport);
      await transport.start();
      return new MessageBus(transport, { source: role, logger: silentLogger });
    };
    const endpoint = (onMessage: (n: number) => void) => ({
      queue,
      prefetch: 50,
      recoverability: { redeliveryDelaysMs: [] },
      handlers: [handlerFor(ThingHappened, async ({ n }) => onMessage(n))],
    });
    // Declared from the first node, so that it leads the queue.
    const declarer = await open('declarer', [leaderNode]);
    const declared = await declarer.subscribe(endpoint(() => undefined));
    await declared.stop();
    expect(await cluster.leaderOf(queue, leaderNode)).toBe(leaderNode);

    const clientNodes = [first, ...cluster.nodes.filter((node) => node !== first)];
    const consumed = new Map<number, number[]>();
    const consumer = await open('consumer', clientNodes);
    await consumer.subscribe(
      endpoint((n) => consumed.set(n, [...(consumed.get(n) ?? []), Date.now()])),
    );
    const publisher = await open('publisher', clientNodes);

    // Each number is published until the broker confirms it: an attempt that fails while a node
    // is down is tried again (a possible duplicate, never a loss).
    const confirmed = new Set<number>();
    const failedAt: number[] = [];
    let attempts = 0;
    const started = Date.now();
    const load = (async () => {
      for (let n = 0; Date.now() - started < LOAD_MS; n++) {
        for (;;) {
          attempts++;
          try {
            await publisher.publish(ThingHappened, { n });
            confirmed.add(n);
            break;
          } catch {
            failedAt.push(Date.now());
            await sleep(100);
          }
        }
        await sleep(PACE_MS);
      }
    })();

    await sleep(KILL_AT_MS);
    const killedAt = Date.now();
    await cluster.kill(leaderNode);
    await sleep(RESTART_AT_MS - KILL_AT_MS);
    const restartedAt = Date.now();
    await cluster.restart(leaderNode);
    await load;
    await until(
      () => [...confirmed].every((n) => consumed.has(n)),
      () => `${[...confirmed].filter((n) => !consumed.has(n)).length} confirmed messages consumed`,
      60_000,
    );

    const lost = [...confirmed].filter((n) => !consumed.has(n));
    const deliveries = [...consumed.values()].flat().sort((a, b) => a - b);
    const afterKill = deliveries.filter((time) => time > killedAt);
    const longestPause = Math.max(...deliveries.slice(1).map((time, i) => time - deliveries[i]));
    const newLeader = await cluster.leaderOf(queue, cluster.nodes[1]);
    process.stdout.write(
      `\nquorum cluster ledger (${scenario}): ${attempts} publish attempts, ` +
        `${failedAt.length} failed (the last ${failedAt.length ? Math.max(...failedAt) - killedAt : 0} ms ` +
        `after the kill), ${confirmed.size} confirmed, ${consumed.size} consumed ` +
        `(${[...consumed.values()].filter((times) => times.length > 1).length} more than once), ` +
        `${lost.length} lost; leader ${leaderNode.name} killed, then ${newLeader.name}; first ` +
        `delivery ${afterKill[0] - killedAt} ms after the kill, longest pause between deliveries ` +
        `${longestPause} ms; the node back ${restartedAt - killedAt} ms after the kill\n`,
    );

    expect(lost).toEqual([]);
    expect(consumed.size).toBe(confirmed.size);
    expect(newLeader).not.toBe(leaderNode);
    // They moved on by themselves: messages were confirmed and delivered again while the killed
    // node was still down, not only once it was back.
    expect(afterKill.some((time) => time < restartedAt)).toBe(true);
    expect(failedAt.every((time) => time < restartedAt)).toBe(true);
  };

  it(
    'clients on the other nodes: the queue’s new leader takes over',
    () => ledger(cluster.nodes[1], 'clients on another node'),
    120_000,
  );

  it(
    'clients on the killed node too: they reconnect to another node and go on',
    () => ledger(cluster.nodes[0], 'clients on the killed node'),
    120_000,
  );
});
