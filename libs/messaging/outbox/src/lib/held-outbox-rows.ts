import { insertOutboxRows, type OutboxRow } from './outbox-rows';
import type { SqlExecutor } from './sql-executor';

/**
 * Outbox rows held back in a transaction that handles several messages (InboxGroupCommit), to be
 * written with one statement before it commits instead of one statement per handler. Keyed by
 * the transaction object itself, which lives as long as the transaction.
 */
const held = new WeakMap<object, OutboxRow[]>();

/** From now on, outbox rows written in `tx` are held until `writeHeldOutboxRows`. */
export function holdOutboxRows(tx: object): void {
  held.set(tx, []);
}

/** The rows held for `tx`, to add to; undefined where `tx` holds none (write them at once). */
export function heldOutboxRowsOf(tx: object): OutboxRow[] | undefined {
  return held.get(tx);
}

/**
 * Writes the rows held so far for `tx`, in the order they were added, and goes on holding the
 * next ones: before a statement that must see them (cancelling a scheduled message) and before
 * the commit.
 */
export async function writeHeldOutboxRows(tx: SqlExecutor): Promise<void> {
  const rows = held.get(tx);
  if (!rows || rows.length === 0) return;
  held.set(tx, []);
  await insertOutboxRows(tx, rows);
}

/** Ends the holding for `tx`; rows still held are dropped (their transaction rolls back). */
export function stopHoldingOutboxRows(tx: object): void {
  held.delete(tx);
}
