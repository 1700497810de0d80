/**
 * The Hrana test server through the real `@libsql/client/web` client: the path the Worker takes to its
 * database. Every assertion is about what SQLite did, read back through the protocol.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient, LibsqlBatchError, LibsqlError } from '@libsql/client/web';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HranaServer, startHranaServer } from '../../scripts/hrana/server';

const token = 'test-token';
let dir: string;
let server: HranaServer;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hrana-client-'));
  server = await startHranaServer({ dbUrl: `file:${join(dir, 'db.sqlite')}`, authToken: token });
  client = createClient({ url: server.url, authToken: token });
});

afterAll(async () => {
  client?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await client.executeMultiple(`
    DROP TABLE IF EXISTS people;
    CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, age INTEGER, score REAL, photo BLOB);
  `);
});

const count = async (c: Client = client) =>
  Number((await c.execute('SELECT count(*) AS n FROM people')).rows[0]?.n);

describe('execute', () => {
  it('binds positional arguments and reports the write', async () => {
    const inserted = await client.execute({
      sql: 'INSERT INTO people (name, age) VALUES (?, ?)',
      args: ['Ada', 36],
    });
    expect(inserted.rowsAffected).toBe(1);
    expect(inserted.lastInsertRowid).toBe(1n);
    expect(inserted.columns).toEqual([]);

    const selected = await client.execute({
      sql: 'SELECT id, name, age FROM people WHERE name = ?',
      args: ['Ada'],
    });
    expect(selected.columns).toEqual(['id', 'name', 'age']);
    expect(selected.columnTypes).toEqual(['INTEGER', 'TEXT', 'INTEGER']);
    expect(selected.rows).toHaveLength(1);
    expect(selected.rows[0]).toMatchObject({ id: 1, name: 'Ada', age: 36 });
  });

  it('binds named arguments whatever prefix the SQL uses', async () => {
    await client.execute({
      sql: 'INSERT INTO people (name, age, score) VALUES (:name, @age, $score)',
      args: { name: 'Grace', age: 45, score: 9.5 },
    });
    await client.execute({
      sql: 'INSERT INTO people (name, age) VALUES (:name, :age)',
      args: { ':name': 'Alan', ':age': 41 },
    });
    const rows = (await client.execute('SELECT name, age, score FROM people ORDER BY id')).rows;
    expect(rows.map((r) => [r.name, r.age, r.score])).toEqual([
      ['Grace', 45, 9.5],
      ['Alan', 41, null],
    ]);
  });

  it('round-trips null, integers, floats, text and blobs with their SQLite types', async () => {
    const photo = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    const big = 2n ** 62n + 1n;
    const result = await client.execute({
      sql: 'SELECT ? AS n, ? AS i, ? AS f, ? AS whole, ? AS t, ? AS b, typeof(?) AS whole_type',
      args: [null, 42, 1.25, 2.0, 'héllo ✓', photo, 2.0],
    });
    const row = result.rows[0];
    expect(row?.n).toBeNull();
    expect(row?.i).toBe(42);
    expect(row?.f).toBe(1.25);
    expect(row?.whole).toBe(2);
    expect(row?.whole_type).toBe('real');
    expect(row?.t).toBe('héllo ✓');
    expect(new Uint8Array(row?.b as ArrayBuffer)).toEqual(photo);

    // Beyond 2^53 the default number mode refuses to lose precision; bigint mode gets it exactly.
    const exact = createClient({ url: server.url, authToken: token, intMode: 'bigint' });
    try {
      const r = await exact.execute({ sql: 'SELECT ? AS big, typeof(?) AS t', args: [big, big] });
      expect(r.rows[0]?.big).toBe(big);
      expect(r.rows[0]?.t).toBe('integer');
    } finally {
      exact.close();
    }
    await expect(client.execute({ sql: 'SELECT ? AS big', args: [big] })).rejects.toThrow(RangeError);
  });

  it('stores blobs and reads them back from a table', async () => {
    const photo = new Uint8Array(300).map((_, i) => i % 256);
    await client.execute({ sql: 'INSERT INTO people (name, photo) VALUES (?, ?)', args: ['Pic', photo] });
    const row = (await client.execute('SELECT photo, length(photo) AS len, typeof(photo) AS t FROM people'))
      .rows[0];
    expect(row?.t).toBe('blob');
    expect(row?.len).toBe(300);
    expect(new Uint8Array(row?.photo as ArrayBuffer)).toEqual(photo);
  });

  it('counts the rows an INSERT ... RETURNING wrote, and none for a SELECT after it', async () => {
    const returned = await client.execute({
      sql: 'INSERT INTO people (name) VALUES (?), (?) RETURNING id, name',
      args: ['A', 'B'],
    });
    expect(returned.rows.map((r) => r.name)).toEqual(['A', 'B']);
    expect(returned.rowsAffected).toBe(2);
    expect(returned.lastInsertRowid).toBe(2n);
    const selected = await client.execute('SELECT * FROM people');
    expect(selected.rowsAffected).toBe(0);
  });

  it('reports updates and deletes with their counts', async () => {
    await client.batch([
      "INSERT INTO people (name, age) VALUES ('a', 1)",
      "INSERT INTO people (name, age) VALUES ('b', 2)",
    ]);
    expect((await client.execute('UPDATE people SET age = age + 1')).rowsAffected).toBe(2);
    expect((await client.execute({ sql: 'DELETE FROM people WHERE age = ?', args: [2] })).rowsAffected).toBe(
      1,
    );
    expect(await count()).toBe(1);
  });

  it('runs a CREATE TRIGGER whose body holds semicolons as one statement', async () => {
    await client.execute('DROP TABLE IF EXISTS log');
    await client.execute('CREATE TABLE log (what TEXT)');
    await client.execute(`CREATE TRIGGER people_log AFTER INSERT ON people BEGIN
      INSERT INTO log VALUES ('insert;' || new.name);
      INSERT INTO log VALUES (CASE WHEN new.age > 10 THEN 'old' ELSE 'young' END);
    END`);
    await client.execute({ sql: 'INSERT INTO people (name, age) VALUES (?, ?)', args: ['T', 11] });
    const rows = (await client.execute('SELECT what FROM log ORDER BY rowid')).rows.map((r) => r.what);
    expect(rows).toEqual(['insert;T', 'old']);
  });
});

describe('errors', () => {
  it('surfaces a constraint violation as a LibsqlError with the SQLite code', async () => {
    await client.execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['Ada'] });
    const error = await client
      .execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['Ada'] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(LibsqlError);
    expect(error.code).toBe('SQLITE_CONSTRAINT');
    expect(error.message).toContain('UNIQUE constraint failed: people.name');
  });

  it('names parse errors, missing tables and multi-statement strings as sqld does', async () => {
    await expect(client.execute('SELEC 1')).rejects.toMatchObject({ code: 'SQL_PARSE_ERROR' });
    await expect(client.execute('SELECT * FROM nowhere')).rejects.toMatchObject({
      code: 'SQLITE_ERROR',
      message: expect.stringContaining('no such table: nowhere'),
    });
    await expect(client.execute('SELECT 1; SELECT 2')).rejects.toMatchObject({ code: 'SQL_MANY_STATEMENTS' });
    await expect(client.execute(' -- nothing here')).rejects.toMatchObject({ code: 'SQL_NO_STATEMENT' });
    // A trailing semicolon and comment are still one statement.
    expect((await client.execute('SELECT 1 AS one; -- done')).rows[0]?.one).toBe(1);
  });

  it('refuses a missing or wrong token with HTTP 401', async () => {
    for (const authToken of [undefined, 'wrong']) {
      const anonymous = createClient({ url: server.url, ...(authToken ? { authToken } : {}) });
      try {
        const error = await anonymous.execute('SELECT 1').catch((e) => e);
        expect(error).toBeInstanceOf(LibsqlError);
        expect(error.code).toBe('SERVER_ERROR');
        expect(error.message).toContain('401');
      } finally {
        anonymous.close();
      }
    }
  });
});

describe('batch', () => {
  it('commits every statement of a write batch together', async () => {
    const results = await client.batch(
      [
        { sql: 'INSERT INTO people (name, age) VALUES (?, ?)', args: ['a', 1] },
        { sql: 'INSERT INTO people (name, age) VALUES (?, ?)', args: ['b', 2] },
        'SELECT name FROM people ORDER BY name',
      ],
      'write',
    );
    expect(results).toHaveLength(3);
    expect(results[0]?.rowsAffected).toBe(1);
    expect(results[2]?.rows.map((r) => r.name)).toEqual(['a', 'b']);
    expect(await count()).toBe(2);
  });

  it('rolls the whole batch back when one statement fails', async () => {
    await client.execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['taken'] });
    const error = await client
      .batch(
        [
          { sql: 'INSERT INTO people (name) VALUES (?)', args: ['new'] },
          { sql: 'INSERT INTO people (name) VALUES (?)', args: ['taken'] },
          { sql: 'INSERT INTO people (name) VALUES (?)', args: ['never'] },
        ],
        'write',
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(LibsqlBatchError);
    expect(error.statementIndex).toBe(1);
    expect(error.code).toBe('SQLITE_CONSTRAINT');
    const names = (await client.execute('SELECT name FROM people')).rows.map((r) => r.name);
    expect(names).toEqual(['taken']);
  });

  it('repeats a statement through the stored-SQL cache', async () => {
    const stmts = Array.from({ length: 40 }, (_, i) => ({
      sql: 'INSERT INTO people (name, age) VALUES (?, ?)',
      args: [`p${i}`, i],
    }));
    await client.batch(stmts, 'write');
    expect(await count()).toBe(40);
  });

  it('runs executeMultiple as a sequence', async () => {
    await client.executeMultiple(`
      INSERT INTO people (name) VALUES ('x');
      INSERT INTO people (name) VALUES ('y');
    `);
    expect(await count()).toBe(2);
  });
});

describe('interactive transactions', () => {
  it('keeps one connection across requests and commits at the end', async () => {
    const other = createClient({ url: server.url, authToken: token });
    const tx = await client.transaction('write');
    try {
      await tx.execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['in-tx'] });
      await tx.batch([
        { sql: 'INSERT INTO people (name) VALUES (?)', args: ['in-tx-2'] },
        { sql: 'UPDATE people SET age = 7' },
      ]);
      // Read your own writes inside; nobody else sees them yet.
      expect(await count(tx as unknown as Client)).toBe(2);
      expect(await count(other)).toBe(0);
      await tx.commit();
      expect(await count(other)).toBe(2);
      const ages = (await other.execute('SELECT DISTINCT age FROM people')).rows.map((r) => r.age);
      expect(ages).toEqual([7]);
    } finally {
      tx.close();
      other.close();
    }
    expect(server.openStreams()).toBe(0);
  });

  it('discards everything on rollback', async () => {
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['gone'] });
    expect(await count(tx as unknown as Client)).toBe(1);
    await tx.rollback();
    expect(tx.closed).toBe(true);
    expect(await count()).toBe(0);
  });

  it('keeps a transaction usable after a failed statement', async () => {
    const tx = await client.transaction('write');
    try {
      await tx.execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['kept'] });
      await expect(
        tx.execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['kept'] }),
      ).rejects.toMatchObject({
        code: 'SQLITE_CONSTRAINT',
      });
      await tx.execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['also'] });
      await tx.commit();
    } finally {
      tx.close();
    }
    expect(await count()).toBe(2);
  });

  it('makes a second writer wait for the first to commit instead of failing', async () => {
    const other = createClient({ url: server.url, authToken: token });
    const tx = await client.transaction('write');
    try {
      await tx.execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['first'] });
      let secondDone = false;
      const second = other
        .execute({ sql: 'INSERT INTO people (name) VALUES (?)', args: ['second'] })
        .then(() => {
          secondDone = true;
        });
      await new Promise((r) => setTimeout(r, 100));
      expect(secondDone).toBe(false);
      await tx.commit();
      await second;
      const names = (await client.execute('SELECT name FROM people ORDER BY id')).rows.map((r) => r.name);
      expect(names).toEqual(['first', 'second']);
    } finally {
      tx.close();
      other.close();
    }
  });
});
