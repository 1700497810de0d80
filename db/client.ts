/**
 * The drizzle database over any libSQL client. Entries pick the client (embedded
 * file on Node, HTTP on Workers); everything else receives `Db` and never
 * creates a client itself.
 */
import type { Client } from '@libsql/client';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
// The driver that imports libSQL's HTTP client only: drizzle's default one imports `createClient` from
// `@libsql/client`, which puts the WebSocket client into the Worker bundle too. Entries pass their own
// client (embedded, HTTP or WebSocket), so this changes nothing but the bundle.
import { drizzle } from 'drizzle-orm/libsql/http';
import * as schema from './schema';

export type Db = LibSQLDatabase<typeof schema> & { $client: Client };

/** Wraps a libSQL client (from `@libsql/client` or `@libsql/client/web`) in drizzle with the schema. */
export function createDb(client: Client): Db {
  return drizzle(client, { schema }) as Db;
}

export { schema };
