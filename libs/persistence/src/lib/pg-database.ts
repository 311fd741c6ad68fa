import pg from 'pg';
import { preparedStatement } from './prepared-statement';
import { inStatementSpan } from './statement-span';

/** A statement and its bind parameters, from a tagged template: values never become SQL text. */
export interface SqlStatement {
  readonly text: string;
  readonly values: unknown[];
}

/** `sql\`SELECT … WHERE id = ${id}\`` → `{ text: 'SELECT … WHERE id = $1', values: [id] }`. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlStatement {
  let text = strings[0];
  for (let index = 1; index < strings.length; index += 1) text += `$${index}${strings[index]}`;
  return { text, values };
}

/**
 * Raw SQL on one connection or a pool, with the method names of a Prisma client's raw API, so
 * that the messaging library's outbox and inbox (and anything written against `$executeRaw`)
 * take either. Values are bind parameters; a Date is sent as a timestamp, an object or array
 * must be passed as JSON text (`JSON.stringify(x)` with a `::jsonb` cast), as pg would
 * otherwise send an array as a Postgres array.
 */
abstract class PgQueries {
  protected abstract run<R extends pg.QueryResultRow>(
    statement: SqlStatement,
  ): Promise<pg.QueryResult<R>>;

  /** Rows of a query. */
  $queryRaw<R extends pg.QueryResultRow>(
    strings: TemplateStringsArray,
    ...values: unknown[]
  ): Promise<R[]> {
    return this.rowsOf<R>(sql(strings, ...values));
  }

  /**
   * Rows of a statement built with `sql` elsewhere: one kept in a module of its own, so that a
   * test can also run it, or EXPLAIN it, as text and values.
   */
  async rowsOf<R extends pg.QueryResultRow>(statement: SqlStatement): Promise<R[]> {
    return (await this.traced<R>(statement)).rows;
  }

  /** The number of rows a statement changed. */
  async $executeRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<number> {
    return (await this.traced(sql(strings, ...values))).rowCount ?? 0;
  }

  /** The statement in a span of the active trace, if there is one (see inStatementSpan). */
  private traced<R extends pg.QueryResultRow>(statement: SqlStatement) {
    return inStatementSpan(statement.text, () => this.run<R>(statement));
  }
}

/** Statements inside one transaction: one connection, held until commit or rollback. */
export class PgTransaction extends PgQueries {
  constructor(private readonly client: pg.PoolClient) {
    super();
  }

  protected run<R extends pg.QueryResultRow>(statement: SqlStatement) {
    return this.client.query<R>(preparedStatement(statement));
  }
}

/**
 * A service's database for its hot paths, on plain pg: the statements a message handler runs
 * for every message (inbox claim, a locked read, an update, outbox rows) cost a round trip each
 * and little more (`npm run bench:persistence`: 0.93x the statements per second of
 * `pool.query`), where Prisma's client engine compiles every query on every call (in the
 * services' CPU profiles under load, 71% of their CPU was Prisma's). Prisma stays the schema,
 * the migrations and the ORM of everything else, on the same pool (`new PrismaPg(pool)`), so
 * both share one set of connections.
 */
export class PgDatabase extends PgQueries {
  constructor(readonly pool: pg.Pool) {
    super();
  }

  protected run<R extends pg.QueryResultRow>(statement: SqlStatement) {
    return this.pool.query<R>(preparedStatement(statement));
  }

  /**
   * Runs `work` in a transaction: committed when it resolves, rolled back when it rejects (the
   * rejection is passed on). A connection that failed mid-way is thrown away, not pooled again.
   */
  async $transaction<R>(work: (tx: PgTransaction) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    // A checked-out client has no error listener of the pool's: the server ending the session
    // between two statements (a restart, a terminated backend) would be an unhandled 'error'
    // event and end the process. Kept here, it makes the next statement fail instead.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(new PgTransaction(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (!broken) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      }
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }
}

/**
 * The pool a service's Prisma client and its PgDatabase share. `connectionTimeoutMillis` makes
 * a request wait at most that long for a free connection and then fail (a 503 over HTTP, a retry
 * for a message), instead of queueing without end while the database is saturated or away.
 */
export function servicePool(connectionString: string, options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 5000,
    ...options,
  });
  // An idle connection the server ended (a restart) is dropped by the pool, and the next checkout
  // opens a fresh one; without a listener the 'error' event would end the process.
  pool.on('error', () => undefined);
  return pool;
}
