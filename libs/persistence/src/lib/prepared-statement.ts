import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';
import type { SqlStatement } from './pg-database';

/** Distinct statement texts named so far: a service's code has a few dozen. */
const names = new Map<string, string>();
/** Beyond this many texts (statements built at run time), the rest go unnamed. */
const MAX_NAMED = 1000;

/**
 * The statement as a named prepared statement: node-postgres prepares a name once per
 * connection (Parse), and afterwards sends only Bind and Execute, so the database parses each of
 * the services' hot statements once per connection instead of on every call, and may keep its
 * plan. The name is derived from the text (the same text, the same name, on every connection and
 * in every process); values stay bind parameters.
 *
 * The price of a kept plan: a statement whose result columns change under it (a migration run
 * while the service is up that alters a table it reads with `*`) fails with "cached plan must not
 * change result type" until the connection is replaced; the shop migrates before its services
 * start, and its statements name their columns.
 */
export function preparedStatement(statement: SqlStatement): QueryConfig {
  const { text, values } = statement;
  // A statement without parameters goes as a simple query, as before: it may hold several
  // commands, which a prepared statement cannot.
  return values.length > 0 ? { name: nameOf(text), text, values } : { text, values };
}

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `shopbus_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
