import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { consoleLogger, type MessagingLogger } from '@shopbus/messaging-core';
import {
  METRICS_CONNECTION_OPTIONS,
  readOutboxTable,
  type OutboxMetrics,
} from '../metrics/outbox-metrics';
import { FAILED_ROWS, OUTBOX_NOTIFY_CHANNEL } from '../outbox-table';
import { Backoff } from './backoff';
import { deleteExpiredRows } from './housekeeping';
import {
  resolveRelayOptions,
  type OutboxRelayOptions,
  type ResolvedRelayOptions,
} from './outbox-relay.options';
import { drainSlices } from './drain-slices';
import { rowPublisher, type RowPublisher } from './publish-in-key-order';
import { RelayMetrics } from './relay-metrics';
import { SliceOwnership } from './slice-ownership';
import { WakeSignal } from './wake-signal';

/** An outbox row the relay gave up on (see `failedRows`). */
export interface FailedOutboxRow {
  messageId: string;
  messageType: string;
  attempts: number;
  /** Why its last attempt failed, e.g. the broker's reason for refusing it. */
  lastError: string;
  createdAt: string;
  failedAt: string;
}

/**
 * Moves committed outbox rows to the broker. Every instance of a service runs one; together they
 * share the outbox's slices (see SliceOwnership), so each partition key is published by one relay
 * at a time, in write order.
 *
 * The loop: take this relay's share of slices, relay a batch, and when the batch was not full,
 * sleep until a writer's NOTIFY or the poll interval. While the broker or the database is
 * unreachable it backs off exponentially and tries again; it never gives up by itself. Rows that
 * fail on their own account (unroutable, refused) are retried with their own growing delay and,
 * after `maxAttempts`, moved to the failed state without holding up any other key.
 */
export class OutboxRelay {
  private readonly options: ResolvedRelayOptions;
  private readonly logger: MessagingLogger;
  private readonly wake = new WakeSignal();
  private readonly backoff: Backoff;
  private client?: pg.Client;
  private operatorPool?: pg.Pool;
  /** Connections the batches take turns on (with `client`), so database and broker work overlap. */
  private batchClients: pg.Client[] = [];
  private ownership?: SliceOwnership;
  private loop?: Promise<void>;
  private stopping = false;
  private stopSignal = new AbortController();
  private lastRebalance = 0;
  private lastHousekeeping = Date.now();
  private publishedCount = 0;
  private failedCount = 0;
  private readonly publishRow: RowPublisher;

  /**
   * @param beforeCommit test hook, run after the broker confirmed a batch and before its rows are
   *   marked: throwing there is a crash at the worst moment (the transaction rolls back).
   */
  constructor(
    options: OutboxRelayOptions,
    private readonly beforeCommit?: () => Promise<void>,
  ) {
    this.options = resolveRelayOptions(options);
    this.publishRow = rowPublisher(options.transport, {
      tracing: options.tracing,
      metrics: options.metrics && new RelayMetrics(options.metrics, options.clock),
    });
    this.logger = options.logger ?? consoleLogger;
    this.backoff = new Backoff(this.options.backoffInitialMs, this.options.backoffMaxMs);
  }

  /** Connects and starts relaying; resolves once the first connection is up. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    this.stopSignal = new AbortController();
    await this.connect();
    this.loop = this.run();
  }

  /** Finishes the batch in hand, releases the slices and the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    this.wake.notify();
    await this.loop;
    this.loop = undefined;
    await this.disconnect();
    const pool = this.operatorPool;
    this.operatorPool = undefined;
    await pool?.end();
  }

  /**
   * Looks for due rows now instead of at the next poll: rows written here announce themselves
   * (NOTIFY), but a scheduled row falls due silently, and a test's virtual clock can jump past it.
   */
  lookNow(): void {
    this.wake.notify();
  }

  /** The slices this relay owns right now (for tests and diagnostics). */
  get ownedSlices(): number[] {
    return this.ownership?.slices ?? [];
  }

  async metrics(): Promise<OutboxMetrics> {
    const table = await this.withSeparateConnection(readOutboxTable);
    return {
      ...table,
      publishedByThisRelay: this.publishedCount,
      failedByThisRelay: this.failedCount,
    };
  }

  /** The rows the relay gave up on, oldest first, with why: what an operator looks at. */
  async failedRows(limit = 50): Promise<FailedOutboxRow[]> {
    return this.withSeparateConnection(async (client) => {
      const { rows } = await client.query<{
        message_id: string;
        message_type: string;
        attempts: number;
        last_error: string | null;
        created_at: Date;
        failed_at: Date;
      }>(
        `SELECT message_id, message_type, attempts, last_error, created_at, failed_at
           FROM outbox_message WHERE ${FAILED_ROWS}
          ORDER BY failed_at, sequence LIMIT $1`,
        [limit],
      );
      return rows.map((row) => ({
        messageId: row.message_id,
        messageType: row.message_type,
        attempts: row.attempts,
        lastError: row.last_error ?? '',
        createdAt: row.created_at.toISOString(),
        failedAt: row.failed_at.toISOString(),
      }));
    });
  }

  /** Puts failed rows (all, or these message ids) back to pending, attempts reset. */
  async retryFailed(messageIds?: readonly string[]): Promise<number> {
    const count = await this.withSeparateConnection(async (client) => {
      const result = await client.query(
        `UPDATE outbox_message
            SET failed_at = NULL, pending = true, attempts = 0, next_attempt_at = now()
          WHERE ${FAILED_ROWS} AND ($1::uuid[] IS NULL OR message_id = ANY($1::uuid[]))`,
        [messageIds ?? null],
      );
      return result.rowCount ?? 0;
    });
    this.wake.notify();
    return count;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!this.client) await this.connect();
        await this.tick();
      } catch (error) {
        const delay = this.backoff.next();
        this.logger.warn('outbox relay failed; retrying', {
          relay: this.options.name,
          error: error instanceof Error ? error.message : String(error),
          delayMs: delay,
        });
        await this.disconnect();
        await this.pause(delay);
      }
    }
  }

  private async tick(): Promise<void> {
    const client = this.client as pg.Client;
    const ownership = this.ownership as SliceOwnership;
    if (Date.now() - this.lastRebalance >= this.options.rebalanceIntervalMs) {
      await ownership.rebalance();
      this.lastRebalance = Date.now();
    }
    if (Date.now() - this.lastHousekeeping >= this.options.housekeepingIntervalMs) {
      this.lastHousekeeping = Date.now();
      const deleted = await deleteExpiredRows(
        client,
        this.options.publishedRetentionMs,
        this.options.inboxRetentionMs,
      );
      if (deleted.outbox + deleted.inbox > 0) this.logger.info('expired rows deleted', deleted);
    }

    this.wake.clear();
    const outcome = await drainSlices(
      [client, ...this.batchClients],
      this.options.transport,
      this.publishRow,
      ownership.slices,
      this.options,
      this.beforeCommit,
    );
    this.publishedCount += outcome.published;
    this.failedCount += outcome.failed;
    if (outcome.brokerDown) {
      const delay = this.backoff.next();
      this.logger.warn('broker unavailable; outbox relay backing off', {
        relay: this.options.name,
        delayMs: delay,
      });
      await this.pause(delay);
      return;
    }
    this.backoff.reset();
    // Drained: sleep until a NOTIFY, or the poll interval, and no longer than the next
    // rebalance, so that a relay that owns nothing yet soon asks again.
    await this.wake.wait(Math.min(this.options.pollIntervalMs, this.options.rebalanceIntervalMs));
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: this.options.name,
    });
    client.on('error', (error) =>
      this.logger.warn('outbox relay database connection error', { error: error.message }),
    );
    await client.connect();
    if (this.options.listen) {
      client.on('notification', () => this.wake.notify());
      await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
    }
    const batchClients = [1, 2].map(
      (n) =>
        new pg.Client({
          connectionString: this.options.databaseUrl,
          application_name: `${this.options.name} (batches ${n})`,
        }),
    );
    for (const extra of batchClients) extra.on('error', () => undefined);
    try {
      await Promise.all(batchClients.map((extra) => extra.connect()));
      const ownership = new SliceOwnership(client);
      await ownership.join();
      await ownership.rebalance();
      this.lastRebalance = Date.now();
      this.client = client;
      this.batchClients = batchClients;
      this.ownership = ownership;
    } catch (error) {
      await Promise.all([client, ...batchClients].map((each) => each.end().catch(() => undefined)));
      throw error;
    }
  }

  private async disconnect(): Promise<void> {
    const clients = [this.client, ...this.batchClients];
    this.client = undefined;
    this.batchClients = [];
    this.ownership?.forget();
    this.ownership = undefined;
    // Closing the session releases every advisory lock it held: the slices go to other relays.
    await Promise.all(clients.map((client) => client?.end().catch(() => undefined)));
  }

  /** Backs off: a NOTIFY does not cut this short, stopping does. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
  }

  /**
   * Metrics and operator queries run on a connection of their own (the relay's may be in the
   * middle of a batch), kept between calls: health checks and scrapes ask every few seconds.
   * It closes itself when idle and never keeps the process alive.
   */
  private async withSeparateConnection<T>(work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
    if (!this.operatorPool) {
      this.operatorPool = new pg.Pool({
        connectionString: this.options.databaseUrl,
        application_name: `${this.options.name} (metrics)`,
        options: METRICS_CONNECTION_OPTIONS,
        max: 1,
        idleTimeoutMillis: 10_000,
        allowExitOnIdle: true,
      });
      // An idle connection that the server drops (a restart, a terminated backend) is reported
      // here; without a listener Node treats the 'error' event as fatal and the service dies.
      // The pool discards that connection and opens a new one at the next call.
      this.operatorPool.on('error', (error) =>
        this.logger.warn('outbox relay metrics connection lost', { error: error.message }),
      );
    }
    const client = await this.operatorPool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }
}
