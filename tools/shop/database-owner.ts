import pg from 'pg';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Makes `role` the owner of `database` and the only role besides superusers that may connect
 * to it: the role is created (or given the password again), owns the database and everything
 * in its public schema (tables an earlier set-up created as another user included), and
 * PUBLIC loses CONNECT and TEMP on it, so another service's role is refused at connect.
 * Runs as the server's administrator; `admin` is connected to its maintenance database.
 */
export async function ensureDatabaseOwner(
  admin: pg.Client,
  adminUrl: URL,
  { role, password, database }: { role: string; password?: string; database: string },
): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const login = `LOGIN${password ? ` PASSWORD ${literal(password)}` : ''}`;
  await admin.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${ident(role)} ${login}`);
  await admin.query(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(role)}`);
  await admin.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
  const inside = new URL(adminUrl);
  inside.pathname = `/${encodeURIComponent(database)}`;
  const client = new pg.Client({ connectionString: inside.toString() });
  await client.connect();
  try {
    const owned = await client.query<{ kind: string; name: string }>(
      `SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind,
              quote_ident(c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
          AND pg_get_userbyid(c.relowner) <> $1
       UNION ALL
       SELECT 'TYPE', quote_ident(t.typname)
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype = 'e' AND pg_get_userbyid(t.typowner) <> $1`,
      [role],
    );
    for (const { kind, name } of owned.rows) {
      await client.query(`ALTER ${kind} public.${name} OWNER TO ${ident(role)}`);
    }
  } finally {
    await client.end();
  }
}
