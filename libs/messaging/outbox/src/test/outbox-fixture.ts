import { fork } from 'node:child_process';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  consoleLogger,
  MessageBus,
  recoverabilityPolicy,
  silentLogger,
} from '@shopbus/messaging-core';
import { PgDatabase, servicePool } from '@shopbus/persistence';
import { naming, RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import {
  BrokerAdmin,
  rabbitmqUrl,
  TestDatabase,
  uniqueExchanges,
  uniqueName,
} from '@shopbus/testing';
import { Outbox } from '../lib/outbox';
import { Inbox } from '../lib/inbox';
import { OutboxRelay } from '../lib/relay/outbox-relay';
import type { OutboxRelayOptions } from '../lib/relay/outbox-relay.options';
import { PrismaClient } from './generated/prisma/client';

/**
 * A service's worth of outbox: its own database (migrated from the test schema, which includes
 * the shared outbox.prisma), a Prisma client, a transport on exchanges unique to this run, and
 * relays started on demand. `close` stops and deletes all of it.
 */
export interface OutboxFixture {
  database: TestDatabase;
  prisma: PrismaClient;
  /** The same database through plain pg, on the pool Prisma uses (as the services do). */
  pg: PgDatabase;
  transport: RabbitMqTransport;
  bus: MessageBus;
  outbox: Outbox;
  inbox: Inbox;
  admin: BrokerAdmin;
  queueName(prefix: string): string;
  startRelay(
    options?: Partial<OutboxRelayOptions>,
    beforeCommit?: () => Promise<void>,
  ): Promise<OutboxRelay>;
  /**
   * Starts crashing-relay.process.ts and resolves once its relay runs; `ended` resolves with
   * the signal that ended the process.
   */
  startCrashingRelayProcess(): Promise<{ ended: Promise<NodeJS.Signals | null> }>;
  close(): Promise<void>;
}

const MIGRATIONS = path.join(__dirname, 'prisma', 'migrations');

export async function startOutboxFixture(): Promise<OutboxFixture> {
  const database = await TestDatabase.create('outbox', MIGRATIONS);
  const pool = servicePool(database.url);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const admin = await BrokerAdmin.connect();
  const exchanges = uniqueExchanges();
  admin.track({ exchanges: Object.values(exchanges) });
  const transport = new RabbitMqTransport({
    url: rabbitmqUrl(),
    connectionName: 'outbox test',
    ...exchanges,
    logger: silentLogger,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  await transport.start();
  const bus = new MessageBus(transport, {
    source: 'outbox-test',
    logger: silentLogger,
    recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [] },
  });
  const relays: OutboxRelay[] = [];

  return {
    database,
    prisma,
    pg: new PgDatabase(pool),
    transport,
    bus,
    outbox: new Outbox(bus),
    inbox: new Inbox(),
    admin,
    queueName(prefix) {
      const name = uniqueName(prefix);
      // Its dead-letter queue, and the retry queues a test's own bus with the default
      // recoverability declares (deleting one that was never declared is no error).
      const retries = recoverabilityPolicy().redeliveryDelaysMs;
      admin.track({
        queues: [
          name,
          naming.deadLetterQueue(name),
          ...retries.map((delay) => naming.retryQueue(name, delay)),
        ],
      });
      return name;
    },
    async startRelay(options = {}, beforeCommit) {
      const relay = new OutboxRelay(
        {
          databaseUrl: database.url,
          transport,
          logger: process.env.DEBUG_RELAY ? consoleLogger : silentLogger,
          backoffInitialMs: 50,
          backoffMaxMs: 500,
          rebalanceIntervalMs: 200,
          ...options,
        },
        beforeCommit,
      );
      relays.push(relay);
      await relay.start();
      return relay;
    },
    async startCrashingRelayProcess() {
      const child = fork(
        path.join(__dirname, 'crashing-relay.process.ts'),
        [database.url, JSON.stringify({ url: rabbitmqUrl(), ...exchanges })],
        {
          execArgv: ['--import', 'tsx'],
          env: {
            ...process.env,
            TSX_TSCONFIG_PATH: path.join(__dirname, '../../../../../tsconfig.base.json'),
          },
        },
      );
      const ended = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_, signal) => resolve(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`the relay process exited early (${code})`)));
      });
      return { ended };
    },
    async close() {
      await Promise.all(relays.map((relay) => relay.stop()));
      await transport.close();
      await prisma.$disconnect();
      await pool.end();
      await admin.cleanUp();
      await database.drop();
    },
  };
}
