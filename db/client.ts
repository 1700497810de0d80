/**
 * The drizzle database over any libSQL client. Entries pick the client (embedded
 * file on Node, HTTP on Workers); everything else receives `Db` and never
 * creates a client itself.
 */
import type { Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema';

export type Db = LibSQLDatabase<typeof schema> & { $client: Client };

/** Wraps a libSQL client (from `@libsql/client` or `@libsql/client/web`) in drizzle with the schema. */
export function createDb(client: Client): Db {
  return drizzle(client, { schema }) as Db;
}

export { schema };
