import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env';
import { DatabaseOpenError, displayUrl, openDatabase } from '../../src/lib/open-database';

describe('openDatabase', () => {
  it('creates the folder, migrates, and turns on write-ahead logging for an embedded file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-open-'));
    const client = await openDatabase(parseEnv({ DATABASE_URL: `file:${join(dir, 'a', 'b', 'x.db')}` }));
    const mode = await client.execute('PRAGMA journal_mode');
    expect(mode.rows[0]?.[0]).toBe('wal');
    // Commits sync at checkpoints only (WAL + NORMAL), checkpoints every 32,000 pages, 64 MB of cache.
    expect((await client.execute('PRAGMA synchronous')).rows[0]?.[0]).toBe(1);
    expect((await client.execute('PRAGMA wal_autocheckpoint')).rows[0]?.[0]).toBe(32000);
    expect((await client.execute('PRAGMA cache_size')).rows[0]?.[0]).toBe(-65536);
    const tables = await client.execute(
      "select name from sqlite_master where type='table' and name='connections'",
    );
    expect(tables.rows).toHaveLength(1);
    client.close();
  });

  it('fails with the URL and the reason, not a stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-open-'));
    writeFileSync(join(dir, 'file'), 'x');
    const url = `file:${join(dir, 'file', 'x.db')}`;
    await expect(openDatabase(parseEnv({ DATABASE_URL: url }))).rejects.toThrow(DatabaseOpenError);
    await expect(openDatabase(parseEnv({ DATABASE_URL: url }))).rejects.toThrow(
      `Cannot open database at ${url}:`,
    );
  });

  it('hides credentials in URLs it prints', () => {
    expect(displayUrl('libsql://user:pw@db.turso.io?authToken=abc')).toBe(
      'libsql://***@db.turso.io?authToken=***',
    );
  });
});
