/**
 * The Worker's small Hrana client (src/lib/hrana-http.ts) against `@libsql/client/web`, the client it
 * replaces: the same statements through the same Hrana server must give the same rows (by index and by
 * column name), counts, row ids and failures; drizzle over either reads and writes alike; a database
 * that answers 503 is an error, as it is for libSQL's client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient as createLibsqlClient, type ResultSet } from '@libsql/client/web';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client';
import { migrateDb } from '../../db/migrate';
import { type HranaServer, startHranaServer } from '../../scripts/hrana/server';
import { createClient } from '../../src/lib/hrana-http';

const token = 'test-token';
let dir: string;
let server: HranaServer;
let theirs: Client;
let ours: Client;
let calls = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hrana-http-'));
  server = await startHranaServer({ dbUrl: `file:${join(dir, 'db.sqlite')}`, authToken: token });
  theirs = createLibsqlClient({ url: server.url, authToken: token });
  ours = createClient({
    url: server.url,
    authToken: token,
    fetch: (input, init) => {
      calls++;
      return fetch(input, init);
    },
  });
});

afterAll(async () => {
  theirs?.close();
  ours?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await theirs.executeMultiple(`
    DROP TABLE IF EXISTS people;
    CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, age INTEGER, score REAL, photo BLOB);
  `);
});

/** A result as plain data: rows by index and by name, so both shapes are compared. */
function plain(rs: ResultSet) {
  return {
    columns: rs.columns,
    columnTypes: rs.columnTypes,
    rows: rs.rows.map((row) => ({
      byIndex: Array.prototype.slice.call(row).map(bytes),
      byName: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, bytes(v)])),
      length: row.length,
    })),
    rowsAffected: rs.rowsAffected,
    lastInsertRowid: rs.lastInsertRowid,
  };
}

const bytes = (v: unknown) => (v instanceof ArrayBuffer ? [...new Uint8Array(v)] : v);

async function outcome<T>(run: () => Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await run() };
  } catch (err) {
    return { error: (err as Error).message.replace(/^([A-Z_]+: )+/, '') };
  }
}

const STATEMENTS: { sql: string; args?: unknown[] | Record<string, unknown> }[] = [
  {
    sql: 'INSERT INTO people (name, age, score, photo) VALUES (?, ?, ?, ?)',
    args: ['Ada', 36, 1.5, new Uint8Array([0, 1, 255])],
  },
  { sql: 'INSERT INTO people (name, age) VALUES (?, ?)', args: ['Grace', 2 ** 40] },
  { sql: 'INSERT INTO people (name, age) VALUES (:name, :age)', args: { name: 'Linus', age: null } },
  { sql: 'INSERT INTO people (name, age) VALUES (?, ?)', args: ['Bool', true] },
  { sql: 'INSERT INTO people (name) VALUES (?)', args: ['Ada'] },
  { sql: 'SELECT id, name, age, score, photo, age * 2 AS twice, name AS name FROM people ORDER BY id' },
  { sql: 'SELECT count(*) AS n, sum(score) AS s FROM people' },
  { sql: 'UPDATE people SET score = score + 1 WHERE age > ?', args: [10] },
  { sql: 'SELECT * FROM nowhere' },
  { sql: 'SELECT 9007199254740993 AS big' },
];

describe('the Worker Hrana client', () => {
  it('executes as @libsql/client/web does', async () => {
    const theirResults = [];
    for (const s of STATEMENTS) {
      theirResults.push(await outcome(async () => plain(await theirs.execute(s as never))));
    }
    await theirs.executeMultiple('DELETE FROM people');
    await theirs.execute("DELETE FROM sqlite_sequence WHERE name = 'people'").catch(() => undefined);
    await theirs.executeMultiple(`
      DROP TABLE people;
      CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, age INTEGER, score REAL, photo BLOB);
    `);
    const ourResults = [];
    for (const s of STATEMENTS)
      ourResults.push(await outcome(async () => plain(await ours.execute(s as never))));
    expect(ourResults).toEqual(theirResults);
    expect(ourResults.filter((r) => 'error' in r)).toHaveLength(3);
  });

  it('runs a batch as one transaction in one request, all or nothing', async () => {
    const good = ['Ada', 'Grace'].map((name) => ({
      sql: 'INSERT INTO people (name) VALUES (?)',
      args: [name],
    }));
    const before = calls;
    const results = await ours.batch([...good, { sql: 'SELECT name FROM people ORDER BY name' }]);
    expect(calls - before).toBe(1);
    expect(results.map(plain)).toEqual(
      (
        await (async () => {
          await theirs.execute('DELETE FROM people');
          return theirs.batch([...good, { sql: 'SELECT name FROM people ORDER BY name' }]);
        })()
      ).map(plain),
    );

    const bad = [{ sql: 'INSERT INTO people (name) VALUES (?)', args: ['Linus'] }, good[0]!];
    const theirError = await outcome(() => theirs.batch(bad));
    const ourError = await outcome(() => ours.batch(bad));
    expect('error' in ourError && ourError.error).toMatch(/UNIQUE constraint failed/);
    expect(ourError).toEqual(theirError);
    // Rolled back: Linus was not kept.
    expect((await ours.execute("SELECT count(*) AS n FROM people WHERE name = 'Linus'")).rows[0]?.n).toBe(0);
  });

  it('carries drizzle: migrations applied by libSQL, read and written by the Worker client', async () => {
    await migrateDb(createDb(theirs));
    const db = createDb(ours);
    await db.run(sql`INSERT INTO organizations (id, slug, name) VALUES ('o1', 'acme', 'Acme')`);
    const [org] = await db.query.organizations.findMany();
    expect(org).toMatchObject({ id: 'o1', slug: 'acme', name: 'Acme', inactiveAfterDays: 30 });
    const [viaLibsql] = await createDb(theirs).query.organizations.findMany();
    expect(org).toEqual(viaLibsql);
    const batch = await db.batch([
      db.run(sql`UPDATE organizations SET name = 'Acme Inc' WHERE id = 'o1'`),
      db.all(sql`SELECT name FROM organizations`),
    ]);
    expect(batch[1]).toEqual([{ name: 'Acme Inc' }]);
  });

  it('fails on an outage and on a wrong token, like libSQL', async () => {
    await server.setDown(true);
    try {
      await expect(ours.execute('SELECT 1')).rejects.toThrow(/503/);
      await expect(theirs.execute('SELECT 1')).rejects.toThrow();
    } finally {
      await server.setDown(false);
    }
    const stranger = createClient({ url: server.url, authToken: 'wrong' });
    await expect(stranger.execute('SELECT 1')).rejects.toThrow(/401/);
    expect((await ours.execute('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });
});
