/**
 * The statement-caching Node client (src/lib/node-file-client.ts) against @libsql/client's own local
 * client on the same file: the same results, row shapes and errors, and it sees what the other writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient, LibsqlError, type ResultSet } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, readRows } from '../../db/client';
import { wrapFileClient } from '../../src/lib/node-file-client';
import { openDatabase } from '../../src/lib/open-database';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-node-client-'));
const file = join(dir, 'x.db');
let plain: Client;
let fast: ReturnType<typeof wrapFileClient>;

beforeAll(async () => {
  plain = createClient({ url: `file:${file}` });
  fast = wrapFileClient(createClient({ url: `file:${file}` }), file);
  await plain.execute('PRAGMA journal_mode = WAL');
  await plain.executeMultiple(`
    CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER, r REAL, b BLOB);
    INSERT INTO t (name, n, r, b) VALUES ('a', 9007199254740991, 1.5, x'0102'), ('b', NULL, NULL, NULL);
  `);
});
afterAll(() => {
  plain.close();
  fast.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A result as plain data: columns, types, rows by index and by name, keys, counts. */
function shape(rs: ResultSet) {
  return {
    columns: rs.columns,
    columnTypes: rs.columnTypes,
    rows: rs.rows.map((r) => ({
      list: Array.from(r),
      keys: Object.keys(r),
      named: { ...r },
      length: r.length,
    })),
    rowsAffected: rs.rowsAffected,
    lastInsertRowid: rs.lastInsertRowid,
    json: JSON.stringify(rs),
  };
}

async function errorOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    const err = e as LibsqlError;
    return {
      cls: err instanceof LibsqlError,
      code: err.code,
      extended: err.extendedCode,
      raw: err.rawCode,
      msg: err.message,
    };
  }
  throw new Error('expected an error');
}

describe('wrapFileClient', () => {
  const reads: [string, unknown[] | Record<string, unknown>][] = [
    ['SELECT * FROM t ORDER BY id', []],
    ['SELECT id, name AS id, n - 1 AS m FROM t WHERE id = ?', [1]],
    ['SELECT name FROM t WHERE name = :name', { name: 'b' }],
    ['SELECT ? AS yes, ? AS d', [true, new Date(5)]],
    ['SELECT count(*) AS c FROM t WHERE id > ?', [0n]],
  ];
  it.each(reads)('reads the same as @libsql/client: %s', async (q, args) => {
    for (let i = 0; i < 3; i++) {
      // Repeats use the cached statement.
      const want = shape(await plain.execute({ sql: q, args: args as never }));
      expect(shape(await fast.execute({ sql: q, args: args as never }))).toEqual(want);
    }
  });

  it.each(reads)('executeRows gives the same values by position as execute: %s', async (q, args) => {
    for (let i = 0; i < 2; i++) {
      const want = (await plain.execute({ sql: q, args: args as never })).rows.map((r) => Array.from(r));
      expect(await fast.executeRows(q, args as never)).toEqual(want);
      expect(await fast.executeRows(q, args as never, { firstOnly: true })).toEqual(want.slice(0, 1));
      // readRows takes the fast path here and the rows of any other client by index: the same values.
      expect((await readRows(fast, q, args as never)).map((r) => Array.from(r))).toEqual(want);
      expect((await readRows(plain, q, args as never)).map((r) => Array.from(r))).toEqual(want);
    }
  });

  it('executeRows maps errors like execute and refuses once closed', async () => {
    for (const q of ['SELECT nope FROM t', 'SELEC 1', 'SELECT 9007199254740993 AS big']) {
      expect(await errorOf(fast.executeRows(q))).toEqual(await errorOf(fast.execute(q)));
      expect(await errorOf(fast.executeRows(q, [], { firstOnly: true }))).toEqual(
        await errorOf(fast.execute(q)),
      );
    }
    expect(await fast.executeRows('SELECT id FROM t WHERE id < 0', [], { firstOnly: true })).toEqual([]);
    const c = wrapFileClient(createClient({ url: `file:${file}` }), file);
    c.close();
    expect((await errorOf(c.executeRows('SELECT 1'))).code).toBe('CLIENT_CLOSED');
  });

  it('writes the same, and each client sees the other commits at once', async () => {
    const a = await plain.execute({ sql: 'INSERT INTO t (name) VALUES (?)', args: ['c'] });
    const b = await fast.execute({ sql: 'INSERT INTO t (name) VALUES (?)', args: ['d'] });
    expect(b.rowsAffected).toBe(a.rowsAffected);
    expect(b.lastInsertRowid).toBe((a.lastInsertRowid as bigint) + 1n);
    expect(shape(await fast.execute('SELECT name FROM t ORDER BY id'))).toEqual(
      shape(await plain.execute('SELECT name FROM t ORDER BY id')),
    );
    await plain.execute("UPDATE t SET n = 7 WHERE name = 'c'");
    expect((await fast.execute("SELECT n FROM t WHERE name = 'c'")).rows[0]?.n).toBe(7);
  });

  it('maps errors to the same LibsqlError codes', async () => {
    const cases = [
      "INSERT INTO t (name) VALUES ('a')", // SQLITE_CONSTRAINT_UNIQUE
      'INSERT INTO t (name) VALUES (NULL)', // SQLITE_CONSTRAINT_NOTNULL
      'SELECT nope FROM t', // SQLITE_ERROR
      'SELEC 1',
    ];
    for (const q of cases) {
      expect(await errorOf(fast.execute(q))).toEqual(await errorOf(plain.execute(q)));
    }
    await expect(fast.execute({ sql: 'SELECT ?', args: [Number.NaN] })).rejects.toThrow(RangeError);
    await expect(fast.execute({ sql: 'SELECT ?', args: [2n ** 64n] })).rejects.toThrow(RangeError);
    await expect(fast.execute('SELECT 9007199254740993 AS big')).rejects.toThrow(RangeError);
  });

  it('meets a writer the same way: SQLITE_BUSY while another connection holds the write lock', async () => {
    const tx = await plain.transaction('write');
    await tx.execute("INSERT INTO t (name) VALUES ('in-tx')");
    const q = "INSERT INTO t (name) VALUES ('outside')";
    const err = await errorOf(fast.execute(q));
    expect(err.code).toBe('SQLITE_BUSY');
    // Reads are not blocked and do not see the open transaction.
    expect((await fast.execute("SELECT count(*) AS c FROM t WHERE name = 'in-tx'")).rows[0]?.c).toBe(0);
    await tx.rollback();
    // The failed write leaves no stale snapshot behind: the next commit is seen.
    await plain.execute("INSERT INTO t (name) VALUES ('after-busy')");
    expect((await fast.execute("SELECT count(*) AS c FROM t WHERE name = 'after-busy'")).rows[0]?.c).toBe(1);
  });

  it('runs transactions, batches and drizzle through the inner client', async () => {
    const tx = await fast.transaction('write');
    await tx.execute("INSERT INTO t (name) VALUES ('tx')");
    await tx.commit();
    expect((await fast.execute("SELECT count(*) AS c FROM t WHERE name = 'tx'")).rows[0]?.c).toBe(1);
    const err = await errorOf(
      fast.batch(["INSERT INTO t (name) VALUES ('batch')", "INSERT INTO t (name) VALUES ('a')"], 'write'),
    );
    expect(err.code).toBe('SQLITE_CONSTRAINT');
    expect((await fast.execute("SELECT count(*) AS c FROM t WHERE name = 'batch'")).rows[0]?.c).toBe(0);
    const db = createDb(fast);
    const rows = await db.all<{ name: string }>(sql`SELECT name FROM t WHERE id = ${1}`);
    expect(rows).toEqual([{ name: 'a' }]);
    expect(await db.get<{ c: number }>(sql`SELECT count(*) AS c FROM t`)).toEqual(
      await createDb(plain).get(sql`SELECT count(*) AS c FROM t`),
    );
  });

  it('refuses work once closed, like @libsql/client', async () => {
    const c = wrapFileClient(createClient({ url: `file:${file}` }), file);
    c.close();
    expect(c.closed).toBe(true);
    expect((await errorOf(c.execute('SELECT 1'))).code).toBe('CLIENT_CLOSED');
  });
});

describe('openDatabase', () => {
  it('uses the caching client for a plain file and sets the pragmas on its connection too', async () => {
    const client = await openDatabase({ DATABASE_URL: `file:${join(dir, 'app.db')}` } as never);
    try {
      expect('pragmaConnections' in client).toBe(true);
      expect((await client.execute('PRAGMA synchronous')).rows[0]?.synchronous).toBe(1);
      expect((await client.execute('PRAGMA secure_delete')).rows[0]?.secure_delete).toBe(1);
      // Still set on the connection reopened after an error.
      await expect(client.execute('SELECT nope')).rejects.toThrow(LibsqlError);
      expect((await client.execute('PRAGMA secure_delete')).rows[0]?.secure_delete).toBe(1);
      const tx = await client.transaction('read');
      expect((await tx.execute('PRAGMA synchronous')).rows[0]?.synchronous).toBe(1);
      tx.close();
    } finally {
      client.close();
    }
  });
});
