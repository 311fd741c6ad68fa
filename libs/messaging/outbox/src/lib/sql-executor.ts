/**
 * What the outbox and inbox need of a Prisma client or interactive transaction: raw SQL as
 * tagged templates (values always become bind parameters). Structural, so that every service's
 * own generated client fits without the library knowing its models.
 */
export interface SqlExecutor {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** A Prisma client, as far as running an interactive transaction goes. */
export interface TransactionRunner<Tx extends SqlExecutor> {
  $transaction<R>(work: (tx: Tx) => Promise<R>): Promise<R>;
}

/** Also reads rows: what claiming several inbox records at once needs (`RETURNING`). */
export interface SqlQuerier extends SqlExecutor {
  $queryRaw<R extends Record<string, unknown>>(
    query: TemplateStringsArray,
    ...values: unknown[]
  ): PromiseLike<R[]>;
}
