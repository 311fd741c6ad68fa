/**
 * Gathers the rows that concurrent callers (handlers of one endpoint, up to its prefetch) want
 * written, and writes each turn's worth with one statement: one round trip and one commit for
 * many rows. Each caller's promise resolves once its row is committed, so a message is acked
 * only after its effect is stored, as with a write of its own.
 *
 * Should the batch's statement fail, every row is written again alone, so that one row the
 * database refuses fails only its own caller (whose message is then retried or dead-lettered on
 * its own), never its neighbours.
 */
export class BatchWriter<T> {
  private pending: { row: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    /** Writes the rows with one statement (all or none). */
    private readonly writeMany: (rows: T[]) => Promise<unknown>,
    /** Most rows in one statement; more start a batch of their own. */
    private readonly maxRows = 100,
  ) {}

  /** Resolves once `row` is written (committed), rejects with why it could not be. */
  write(row: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.pending.length >= this.maxRows) {
        void this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending.splice(0, this.maxRows);
    if (batch.length === 0) return;
    if (this.pending.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    try {
      await this.writeMany(batch.map((entry) => entry.row));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      await Promise.all(
        batch.map((entry) => this.writeMany([entry.row]).then(entry.resolve, entry.reject)),
      );
    }
  }
}
