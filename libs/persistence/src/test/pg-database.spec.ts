import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { databaseUrl, RecordedSpans } from '@shopbus/testing';
import { PgDatabase, PgTransaction, servicePool, sql } from '../lib/pg-database';

describe('PgDatabase', () => {
  // A schema of this run's own, first on every pooled connection's search path: the statements
  // name their table `note` as a service's would.
  const schema = `test_pg_database_${process.pid}_${Date.now()}`;
  const pool = servicePool(databaseUrl(), { max: 2, options: `-c search_path=${schema}` });
  const database = new PgDatabase(pool);
  const rows = async () =>
    (await pool.query<{ note: string }>('SELECT note FROM note ORDER BY note')).rows.map(
      (row) => row.note,
    );

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query('CREATE TABLE note (note text PRIMARY KEY)');
  });
  afterEach(() => pool.query('TRUNCATE note'));
  afterAll(async () => {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  });

  it('turns a tagged template into a statement with bind parameters, never into SQL text', () => {
    const name = "Robert'); DROP TABLE students;--";
    expect(sql`SELECT * FROM t WHERE a = ${name} AND b = ${2}`).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b = $2',
      values: [name, 2],
    });
  });

  it('prepares a statement once per connection and then only executes it; one without values goes as a simple query', async () => {
    const prepared = (tx: PgTransaction, like: string) =>
      tx.$queryRaw<{ name: string; executions: number }>`
        SELECT name, (generic_plans + custom_plans)::int AS executions
          FROM pg_prepared_statements WHERE statement LIKE ${like}`;
    // One transaction: one connection, whose prepared statements the view lists.
    const seen = await database.$transaction(async (tx) => {
      for (let n = 0; n < 7; n += 1) await tx.$executeRaw`INSERT INTO note VALUES (${`n${n}`})`;
      // Two commands in one text: only a simple query can run it.
      await tx.$executeRaw`UPDATE note SET note = note || '!' WHERE note = 'n0'; DELETE FROM note WHERE note = 'n1'`;
      return {
        insert: await prepared(tx, 'INSERT INTO note VALUES%'),
        twoCommands: await prepared(tx, 'UPDATE note SET%'),
      };
    });
    expect(seen.insert).toEqual([
      { name: expect.stringMatching(/^shopbus_[0-9a-f]{24}$/), executions: 7 },
    ]);
    expect(seen.twoCommands).toEqual([]);
    expect(await rows()).toEqual(['n0!', 'n2', 'n3', 'n4', 'n5', 'n6']);
  });

  it('commits what the work wrote when it resolves, and answers what it returned', async () => {
    const answer = await database.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`INSERT INTO note VALUES (${'kept'})`;
      return { inserted, seen: await tx.$queryRaw<{ note: string }>`SELECT note FROM note` };
    });
    expect(answer).toEqual({ inserted: 1, seen: [{ note: 'kept' }] });
    expect(await rows()).toEqual(['kept']);
  });

  it('rolls back everything when the work rejects, and passes the rejection on', async () => {
    await expect(
      database.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO note VALUES (${'gone'})`;
        throw new Error('business rule violated');
      }),
    ).rejects.toThrow('business rule violated');
    expect(await rows()).toEqual([]);
  });

  it('a failed statement rolls the transaction back, and the connection serves the next one', async () => {
    await pool.query("INSERT INTO note VALUES ('taken')");
    await expect(
      database.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO note VALUES (${'first'})`;
        await tx.$executeRaw`INSERT INTO note VALUES (${'taken'})`;
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await rows()).toEqual(['taken']);
    // Both pooled connections are usable: neither was left inside the aborted transaction.
    await Promise.all([
      database.$executeRaw`INSERT INTO note VALUES (${'a'})`,
      database.$executeRaw`INSERT INTO note VALUES (${'b'})`,
    ]);
    expect(await rows()).toEqual(['a', 'b', 'taken']);
  });

  it('a connection cut mid-transaction fails the work, is not pooled again, and the next transaction gets a fresh one', async () => {
    await expect(
      database.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO note VALUES (${'lost'})`;
        const [{ pid }] = await tx.$queryRaw<{ pid: number }>`SELECT pg_backend_pid() AS pid`;
        // As a database restart or an administrator would: the server ends this session.
        await pool.query('SELECT pg_terminate_backend($1)', [pid]);
        await tx.$executeRaw`INSERT INTO note VALUES (${'after'})`;
      }),
      // The server's notice ("terminating connection…") reaches the statement, or pg has taken
      // the cut socket first and refuses the statement itself: which comes first is timing.
    ).rejects.toThrow(/terminat|encountered a connection error/i);
    await database.$transaction((tx) => tx.$executeRaw`INSERT INTO note VALUES (${'next'})`);
    expect(await rows()).toEqual(['next']);
    expect(pool.totalCount).toBeLessThanOrEqual(2);
  });

  it('puts each statement in a span of the trace it runs in, with its text but never its values, and no span outside one', async () => {
    const recorded = new RecordedSpans().registerGlobally();
    try {
      await database.$executeRaw`INSERT INTO note VALUES (${'untraced'})`;
      const handler = await recorded.tracer.startActiveSpan('process test', async (span) => {
        await database.$transaction(async (tx) => {
          await tx.$executeRaw`INSERT INTO note VALUES (${'secret-value'})`;
          await tx.$queryRaw`SELECT note FROM note`;
        });
        await expect(database.$queryRaw`SELECT nope FROM note`).rejects.toThrow(/nope/);
        span.end();
        return span.spanContext();
      });

      const statements = recorded.finished.filter((span) => span.name !== 'process test');
      expect(statements.map((span) => span.name)).toEqual(['INSERT', 'SELECT', 'SELECT']);
      for (const span of statements) {
        expect(span.parentSpanContext?.spanId).toBe(handler.spanId);
        expect(span.kind).toBe(SpanKind.CLIENT);
        expect(span.attributes['db.system.name']).toBe('postgresql');
      }
      expect(statements[0].attributes['db.query.text']).toBe('INSERT INTO note VALUES ($1)');
      expect(JSON.stringify(statements.map((span) => span.attributes))).not.toContain('secret');
      expect(statements[2].status.code).toBe(SpanStatusCode.ERROR);
    } finally {
      await recorded.close();
    }
  });
});
