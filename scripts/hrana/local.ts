/**
 * A migrated embedded database file served over libSQL's HTTP protocol: what `npm run db:serve` and
 * `npm run dev:worker` start, so the Worker under `wrangler dev` talks to a database the way it talks
 * to Turso in production.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { createDb } from '../../db/client';
import { migrateDb } from '../../db/migrate';
import { type HranaServer, startHranaServer } from './server';

export interface LocalDatabaseOptions {
  /** Path of the database file (created with its folder when absent). */
  file: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  migrate?: boolean;
  authToken?: string;
}

export interface LocalDatabase {
  url: string;
  /** Migrations applied in total (0 with `migrate: false`). */
  migrations: number;
  server: HranaServer;
}

/** Migrates `file` (unless told not to) and serves it on 127.0.0.1. */
export async function serveLocalDatabase(options: LocalDatabaseOptions): Promise<LocalDatabase> {
  const path = resolve(options.file);
  mkdirSync(dirname(path), { recursive: true });
  let migrations = 0;
  if (options.migrate !== false) {
    const client = createClient({ url: `file:${path}` });
    try {
      await client.execute('PRAGMA journal_mode = WAL');
      await migrateDb(createDb(client));
      const { rows } = await client.execute('select count(*) as n from __drizzle_migrations');
      migrations = Number(rows[0]?.n ?? 0);
    } finally {
      client.close();
    }
  }
  const server = await startHranaServer({
    dbUrl: `file:${path}`,
    port: options.port ?? 0,
    ...(options.authToken ? { authToken: options.authToken } : {}),
  });
  return { url: server.url, migrations, server };
}
