/**
 * Gathers the rows that concurrent callers (handlers of one endpoint, up to its prefetch) want
 * written, and writes each turn's worth with one statement: one round trip and one commit for
 * many rows. Each caller's promise resolves once its row is committed, so a message is acked
 * only after its effect is stored, as with a write of its own.
 *
 * Should the database refuse the batch because of what a row holds (SQLSTATE class 22, a data
 * exception, or 23, a constraint violation), every row is written again alone, so that the one
 * it refuses fails only its own caller (whose message is then retried or dead-lettered on its
 * own), never its neighbours. Any other failure (the database away, a timeout, overload) is no
 * row's fault and would fail each row alike: every caller gets it at once, with no further
 * statement sent to a database that cannot take one.
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
      if (batch.length === 1 || !isAboutARow(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      await Promise.all(
        batch.map((entry) => this.writeMany([entry.row]).then(entry.resolve, entry.reject)),
      );
    }
  }
}

/** A data exception (22xxx) or a constraint violation (23xxx): what one row holds is refused. */
function isAboutARow(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  const state = typeof code === 'string' ? code : cause?.code;
  return typeof state === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(state);
}
