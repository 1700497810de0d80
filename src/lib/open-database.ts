/**
 * Opens the database for the Node and Deno entries: embedded file (folder
 * created) or remote libSQL/Turso, proves it with a round trip, and migrates.
 * A URL that cannot be opened fails with a message naming the URL and why.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Client } from '@libsql/client';
import { createClient } from '@libsql/client';
import { createDb } from '../../db/client';
import { migrateDb } from '../../db/migrate';
import type { Config } from '../env';

export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
}

/** Hides credentials in a URL before it is printed. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@').replace(/([?&](authToken|token)=)[^&]*/gi, '$1***');
}

export async function openDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<Client> {
  const url = config.DATABASE_URL;
  try {
    if (url.startsWith('file:')) {
      const path = url.slice('file:'.length).split('?')[0] ?? '';
      if (path) mkdirSync(dirname(path), { recursive: true });
    }
    const client = createClient({
      url,
      ...(config.DATABASE_AUTH_TOKEN ? { authToken: config.DATABASE_AUTH_TOKEN } : {}),
    });
    await client.execute('select 1');
    // Write-ahead logging: readers never wait for the sync's writes, and each page's commit is
    // cheaper (measured ~30% faster syncs). The mode is stored in the file, so it is set once.
    if (url.startsWith('file:')) await client.execute('PRAGMA journal_mode = WAL');
    if (options.migrate !== false) await migrateDb(createDb(client));
    // Deleted content (erased secrets) is overwritten with zeros instead of lingering in free pages.
    if (url.startsWith('file:')) await client.execute('PRAGMA secure_delete = ON');
    return client;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new DatabaseOpenError(`Cannot open database at ${displayUrl(url)}: ${reason}`);
  }
}
