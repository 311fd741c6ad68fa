import pg from 'pg';

/** The server settings that make Postgres count every statement (pg_stat_statements). */
export const STATEMENT_STATS_SETTINGS = [
  'shared_preload_libraries=pg_stat_statements',
  'pg_stat_statements.track=all',
];

/**
 * What every statement the shop ran cost the database, from pg_stat_statements across all its
 * databases: where Postgres's share of the CPU goes, and how many statements one checkout takes.
 */
export class StatementStats {
  private constructor(private readonly client: pg.Client) {}

  /** Installs the extension (the server must run with STATEMENT_STATS_SETTINGS) and starts from zero. */
  static async start(postgresUrl: string): Promise<StatementStats> {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
    return new StatementStats(client);
  }

  /** The statements with the most execution time since the start, per database. */
  async print(checkouts: number, top = 40): Promise<void> {
    const { rows } = await this.client.query<{
      database: string;
      calls: string;
      total_ms: number;
      query: string;
    }>(
      `SELECT d.datname AS database, s.calls, s.total_exec_time AS total_ms,
              regexp_replace(s.query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname LIKE 'shop_%'
        ORDER BY s.total_exec_time DESC`,
    );
    const calls = rows.reduce((sum, row) => sum + Number(row.calls), 0);
    const totalMs = rows.reduce((sum, row) => sum + row.total_ms, 0);
    console.log(
      `\nstatements in the shop's databases: ${calls} calls (${(calls / checkouts).toFixed(1)} per checkout), ` +
        `${(totalMs / 1000).toFixed(1)} s executing (${((1000 * totalMs) / checkouts).toFixed(0)} µs per checkout)`,
    );
    console.log('\n| database | calls | per checkout | total ms | mean µs | statement |');
    console.log('|---|---:|---:|---:|---:|---|');
    for (const row of rows.slice(0, top)) {
      const count = Number(row.calls);
      console.log(
        `| ${row.database} | ${count} | ${(count / checkouts).toFixed(2)} | ${row.total_ms.toFixed(0)} | ` +
          `${((1000 * row.total_ms) / count).toFixed(0)} | ${row.query.slice(0, 110).replaceAll('|', '\\|')} |`,
      );
    }
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
