import type { Client } from 'pg';
import { ADVISORY_LOCKS, OUTBOX_SLICES } from '../outbox-table';

/**
 * Which slices of the outbox this relay publishes. Each owned slice is a session advisory lock on
 * the relay's connection, so no two relays ever publish the same partition key at once (that is
 * what keeps each key in order), and a relay that dies releases its slices with its connection.
 *
 * Relays share the slices fairly: each counts the live relays (each holds a membership lock) and
 * keeps at most its share, releasing the rest between batches for the others to take.
 */
export class SliceOwnership {
  private readonly owned = new Set<number>();

  constructor(private readonly client: Client) {}

  get slices(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  /** Registers this relay as live; call once per connection. */
  async join(): Promise<void> {
    await this.client.query('SELECT pg_advisory_lock($1, pg_backend_pid())', [
      ADVISORY_LOCKS.relay,
    ]);
  }

  async rebalance(): Promise<void> {
    const { rows } = await this.client.query<{ live: string }>(
      `SELECT count(*) AS live FROM pg_locks
        WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2 AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [ADVISORY_LOCKS.relay],
    );
    const share = Math.ceil(OUTBOX_SLICES / Math.max(1, Number(rows[0].live)));
    for (const slice of this.slices.slice(share)) {
      await this.client.query('SELECT pg_advisory_unlock($1, $2)', [ADVISORY_LOCKS.slice, slice]);
      this.owned.delete(slice);
    }
    const wanted = share - this.owned.size;
    if (wanted <= 0) return;
    // Try the slices not owned here, from a random start so that relays starting together
    // spread out. OFFSET 0 keeps the planner from testing locks before that filter; LIMIT stops
    // the scan, and with it the lock attempts, once enough are taken.
    const offset = Math.floor(Math.random() * OUTBOX_SLICES);
    const taken = await this.client.query<{ slice: number }>(
      `SELECT slice FROM (
         SELECT (n + $3) % $4 AS slice FROM generate_series(0, $4 - 1) AS n
          WHERE NOT ((n + $3) % $4 = ANY($2::int[]))
         OFFSET 0
       ) AS candidates
       WHERE pg_try_advisory_lock($1, slice)
       LIMIT $5`,
      [ADVISORY_LOCKS.slice, this.slices, offset, OUTBOX_SLICES, wanted],
    );
    for (const { slice } of taken.rows) this.owned.add(Number(slice));
  }

  /** The connection is gone, and its locks with it. */
  forget(): void {
    this.owned.clear();
  }
}
