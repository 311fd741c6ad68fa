import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/**
 * The driver adapter the Prisma CLI (migrate, db push, diff) runs on, with the two
 * @prisma/adapter-pg 6.19 bugs that only the migrate commands hit worked around, once for
 * every service:
 *
 * 1. Prisma issue #27403 "Column type 'name' could not be deserialized": the schema engine's
 *    introspection queries return pg_catalog columns of type `name` (oid 19) and `"char"`
 *    (oid 18), which the adapter refuses. Both are text on the wire, so results are relabelled
 *    as `text` before the adapter reads them.
 * 2. The shadow database: the adapter creates `prisma_migrate_shadow_db_<uuid>` but then connects
 *    with the main connection string (whose database wins over the one it sets), so migrate
 *    would diff against, and reset, the main database. Here the shadow connection string names
 *    the shadow database itself.
 *
 * The application's runtime client uses plain `new PrismaPg({ connectionString })`.
 */
const PG_NAME_OID = 19;
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

class TextLabellingClient extends pg.Client {
  // pg's overloads make a typed override impractical; results are relabelled, never changed.
  // The pool calls this with a callback, a direct caller without one: both are covered.
  override query(...args: unknown[]): never {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (error: Error | null, result: pg.QueryResult) =>
        (last as (e: Error | null, r: pg.QueryResult) => void)(error, relabel(result));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      return result.then((value: pg.QueryResult) => relabel(value)) as never;
    }
    return result as never;
  }
}

function relabel(result: pg.QueryResult): pg.QueryResult {
  for (const field of result?.fields ?? []) {
    if (field.dataTypeID === PG_NAME_OID || field.dataTypeID === PG_CHAR_OID) {
      field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

class MigrateAdapterFactory extends PrismaPg {
  constructor(private readonly connectionString: string) {
    super(new pg.Pool({ connectionString, Client: TextLabellingClient, idleTimeoutMillis: 100 }), {
      disposeExternalPool: true,
    });
  }

  override async connectToShadowDb() {
    const main = await this.connect();
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const url = new URL(this.connectionString);
    url.pathname = `/${database}`;
    const shadow = await new PrismaPg(
      new pg.Pool({
        connectionString: url.toString(),
        Client: TextLabellingClient,
        idleTimeoutMillis: 100,
      }),
      { disposeExternalPool: true },
    ).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      await main.dispose();
    };
    return shadow;
  }
}

export function prismaMigrateAdapter(connectionString: string): PrismaPg {
  return new MigrateAdapterFactory(connectionString);
}
