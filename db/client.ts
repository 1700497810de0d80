/**
 * The drizzle database over any libSQL client. Entries pick the client (embedded
 * file on Node, HTTP on Workers); everything else receives `Db` and never
 * creates a client itself.
 */
import type { Client, InArgs } from '@libsql/client';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
// drizzle's libSQL driver without the part that creates a client: its `drizzle()` entries import
// `createClient` from `@libsql/client` (all of it, or the HTTP one), which would put libSQL's client into
// the Worker bundle beside src/lib/hrana-http.ts. Entries always pass their own client (embedded, HTTP
// or WebSocket on Node and Deno, hrana-http on Workers), so this changes nothing but the bundle.
import * as driver from 'drizzle-orm/libsql/driver-core';
import * as schema from './schema';

// Exported by the module, missing from its type declarations (drizzle-orm 0.45).
const { construct } = driver as unknown as {
  construct(client: Client, config: { schema: typeof schema }): LibSQLDatabase<typeof schema>;
};

export type Db = LibSQLDatabase<typeof schema> & { $client: Client };

/** Wraps a libSQL client (`@libsql/client`, `@libsql/client/web` or src/lib/hrana-http.ts) in drizzle with the schema. */
export function createDb(client: Client): Db {
  return construct(client, { schema }) as Db;
}

export { schema };

/**
 * A read's rows, values by position only (hot reads: no column names, no row objects where the client
 * can skip them, i.e. the Node file client's `executeRows`; any other client's rows read the same by
 * index). `firstOnly`: the caller reads the first row only (the Node client then steps once).
 */
export async function readRows(
  client: Client,
  sql: string,
  args: InArgs = [],
  options: { firstOnly?: boolean } = {},
): Promise<ArrayLike<unknown>[]> {
  if ('executeRows' in client && typeof client.executeRows === 'function') {
    return (
      client.executeRows as (sql: string, args: InArgs, o: { firstOnly?: boolean }) => Promise<unknown[][]>
    )(sql, args, options);
  }
  return (await client.execute({ sql, args })).rows;
}
