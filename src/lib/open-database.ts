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
import { type NodeFileClient, wrapFileClient } from './node-file-client';

export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
}

/** Hides credentials in a URL before it is printed. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@').replace(/([?&](authToken|token)=)[^&]*/gi, '$1***');
}

/**
 * How the embedded file is opened (bench/ opens its files the same way):
 * - write-ahead logging: readers never wait for the sync's writes, and a page's commit is cheap (the
 *   mode is stored in the file);
 * - `synchronous = NORMAL`, which in WAL mode syncs the disk at checkpoints instead of every commit:
 *   the file stays consistent through a power loss, which may undo the last commits, and a crashed
 *   process loses nothing; an undone page is simply synced again from its checkpoint (every page
 *   commits with its checkpoint, so none is half-applied);
 * - checkpoints every 32,000 pages (128 MB of WAL) rather than 1,000, and a 64 MB page cache, so a first
 *   sync's commits neither checkpoint every few pages nor re-read index pages from the OS: a first
 *   sync's page dirties about a thousand random index pages, a checkpoint writes each distinct page
 *   once and syncs the disk twice, so a wider window writes hot pages fewer times and syncs less
 *   (8,000 -> 32,000 took about a third off a 40,000-meeting build's wall time; 64,000 did no better);
 * - deleted content (erased secrets) is overwritten with zeros instead of lingering in free pages.
 * Measured in docs/BENCHMARKS.md (usage at scale).
 */
export async function tuneEmbeddedFile(client: Client | NodeFileClient): Promise<void> {
  for (const pragma of [
    'PRAGMA journal_mode = WAL',
    'PRAGMA synchronous = NORMAL',
    'PRAGMA wal_autocheckpoint = 32000',
    'PRAGMA cache_size = -65536',
    'PRAGMA secure_delete = ON',
  ]) {
    if ('pragmaConnections' in client) await client.pragmaConnections(pragma);
    else await client.execute(pragma);
  }
}

/** The file path of a `file:` URL without options or a memory database, else undefined. */
function plainFilePath(url: string): string | undefined {
  if (!url.startsWith('file:') || url.includes('?') || url.includes('#')) return undefined;
  const path = url.slice('file:'.length);
  if (!path || path.includes(':memory:') || path.startsWith('//')) return undefined;
  return path;
}

export async function openDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<Client> {
  const url = config.DATABASE_URL;
  try {
    if (url.startsWith('file:')) {
      const path = url.slice('file:'.length).split('?')[0] ?? '';
      if (path) mkdirSync(dirname(path), { recursive: true });
    }
    const created = createClient({
      url,
      ...(config.DATABASE_AUTH_TOKEN ? { authToken: config.DATABASE_AUTH_TOKEN } : {}),
    });
    const filePath = plainFilePath(url);
    // A plain file gets the statement-caching client (src/lib/node-file-client.ts); memory databases and
    // URLs with options stay on @libsql/client's own.
    const client = filePath ? wrapFileClient(created, filePath) : created;
    await client.execute('select 1');
    if (url.startsWith('file:')) await tuneEmbeddedFile(client);
    if (options.migrate !== false) await migrateDb(createDb(client));
    return client;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new DatabaseOpenError(`Cannot open database at ${displayUrl(url)}: ${reason}`);
  }
}
