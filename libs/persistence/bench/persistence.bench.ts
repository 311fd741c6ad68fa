/**
 * `npm run bench:persistence`: what PgDatabase adds to plain node-postgres, in one run on one
 * Postgres: BENCH_STATEMENTS (default 20 000) small queries (`SELECT $1::int`, the round trip
 * itself), BENCH_CONCURRENCY (default 10, the services' pool size) at a time, three ways,
 * alternating over BENCH_ROUNDS (default 3) rounds:
 *
 * - plain pg: `pool.query(text, values)`;
 * - PgDatabase: `$queryRaw` with a tagged template, outside any trace (what every service's
 *   hot path runs with tracing off);
 * - PgDatabase traced: the same inside an active span, so that each statement gets a span of its
 *   own (batched to an exporter that drops them), as a service's handlers with tracing on.
 *
 * DATABASE_URL selects the server (default the local one). Prints medians and ratios.
 */
import { BenchTracing, median, printTable } from '@shopbus/testing';
import { servicePool, PgDatabase } from '../src/lib/pg-database';

const url = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const STATEMENTS = Number(process.env['BENCH_STATEMENTS'] ?? 20_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

/** Statements per second, CONCURRENCY callers each issuing its share one after another. */
async function rate(query: (n: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < STATEMENTS) await query(next++);
    }),
  );
  return STATEMENTS / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const pool = servicePool(url, { max: CONCURRENCY });
  const database = new PgDatabase(pool);
  const tracing = new BenchTracing().registerGlobally();
  const results = { plain: [] as number[], library: [] as number[], traced: [] as number[] };
  try {
    await rate((n) => pool.query('SELECT $1::int AS n', [n])); // connections opened, plans warm
    for (let round = 1; round <= ROUNDS; round++) {
      results.plain.push(await rate((n) => pool.query('SELECT $1::int AS n', [n])));
      results.library.push(await rate((n) => database.$queryRaw`SELECT ${n}::int AS n`));
      results.traced.push(
        await tracing.measure(() =>
          tracing.inSpan('bench', () => rate((n) => database.$queryRaw`SELECT ${n}::int AS n`)),
        ),
      );
      console.log(`round ${round}/${ROUNDS} done`);
    }
  } finally {
    await tracing.shutdown();
    await pool.end();
  }
  printTable(
    `Persistence benchmark: medians of ${ROUNDS} rounds, ${STATEMENTS} statements, ${CONCURRENCY} at a time`,
    [
      {
        metric: 'SELECT $1::int, PgDatabase.$queryRaw vs pool.query',
        baseline: median(results.plain),
        library: median(results.library),
        unit: 'stmt/s',
      },
      {
        metric: 'the same, each statement in a span of the active trace',
        baseline: median(results.plain),
        library: median(results.traced),
        unit: 'stmt/s',
      },
    ],
    'plain pg',
    'PgDatabase',
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
