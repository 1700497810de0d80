/**
 * drizzle-orm over `@libsql/client/web` over the Hrana test server: the exact stack of the Worker,
 * including the app's real migrations, applied here through the HTTP client's `migrate()`.
 */
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client/web';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { blob, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HranaServer, startHranaServer } from '../../scripts/hrana/server';

const members = sqliteTable('members', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  joinedAt: integer('joined_at', { mode: 'timestamp_ms' }).notNull(),
  seats: integer('seats').notNull().default(0),
  avatar: blob('avatar', { mode: 'buffer' }),
});

let server: HranaServer;
let client: ReturnType<typeof createClient>;
let db: ReturnType<typeof drizzle>;

beforeAll(async () => {
  server = await startHranaServer();
  client = createClient({ url: server.url });
  db = drizzle(client);
});
afterAll(async () => {
  client?.close();
  await server?.close();
});
beforeEach(async () => {
  await client.executeMultiple(`
    DROP TABLE IF EXISTS members;
    CREATE TABLE members (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      email TEXT NOT NULL UNIQUE,
      active INTEGER NOT NULL DEFAULT 1,
      joined_at INTEGER NOT NULL,
      seats INTEGER NOT NULL DEFAULT 0,
      avatar BLOB
    );
  `);
});

const migrationsFolder = fileURLToPath(new URL('../../db/migrations', import.meta.url));
const joinedAt = new Date('2026-01-02T03:04:05.678Z');

describe('drizzle over the Hrana server', () => {
  it('inserts with returning and selects typed rows back', async () => {
    const [ada] = await db
      .insert(members)
      .values({ email: 'ada@example.com', joinedAt, avatar: Buffer.from([1, 2, 3]) })
      .returning();
    expect(ada).toMatchObject({ id: 1, email: 'ada@example.com', active: true, seats: 0 });
    expect(ada?.joinedAt).toEqual(joinedAt);

    const rows = await db.select().from(members).where(eq(members.email, 'ada@example.com'));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.joinedAt).toEqual(joinedAt);
    expect(Buffer.from(rows[0]?.avatar ?? [])).toEqual(Buffer.from([1, 2, 3]));
  });

  it('upserts with onConflictDoUpdate as the heartbeat does', async () => {
    const upsert = (seats: number) =>
      db
        .insert(members)
        .values({ email: 'grace@example.com', joinedAt, seats })
        .onConflictDoUpdate({
          target: members.email,
          set: { seats: sql`${members.seats} + excluded.seats` },
        });
    await upsert(2);
    await upsert(3);
    const row = await db.select().from(members).get();
    expect(row?.seats).toBe(5);
  });

  it('runs db.batch atomically', async () => {
    const [inserted, updated, selected] = await db.batch([
      db.insert(members).values({ email: 'a@example.com', joinedAt }).returning({ id: members.id }),
      db.update(members).set({ active: false }).where(eq(members.email, 'a@example.com')),
      db.select({ email: members.email, active: members.active }).from(members),
    ]);
    expect(inserted).toEqual([{ id: 1 }]);
    expect(updated.rowsAffected).toBe(1);
    expect(selected).toEqual([{ email: 'a@example.com', active: false }]);

    await expect(
      db.batch([
        db.insert(members).values({ email: 'b@example.com', joinedAt }),
        db.insert(members).values({ email: 'a@example.com', joinedAt }),
      ]),
    ).rejects.toThrow(/UNIQUE constraint failed/);
    expect(await db.select({ email: members.email }).from(members)).toEqual([{ email: 'a@example.com' }]);
  });

  it('commits and rolls back db.transaction', async () => {
    await db.transaction(async (tx) => {
      await tx.insert(members).values({ email: 'kept@example.com', joinedAt });
      await tx.update(members).set({ seats: 4 }).where(eq(members.email, 'kept@example.com'));
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(members).values({ email: 'dropped@example.com', joinedAt });
        tx.rollback();
      }),
    ).rejects.toThrow(/Rollback/);
    const rows = await db.select({ email: members.email, seats: members.seats }).from(members);
    expect(rows).toEqual([{ email: 'kept@example.com', seats: 4 }]);
    expect(server.openStreams()).toBe(0);
  });

  it("applies the app's migrations through the HTTP client, once", async () => {
    await migrate(db, { migrationsFolder });
    await migrate(db, { migrationsFolder });
    const tables = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    const names = tables.rows.map((r) => r.name);
    expect(names).toContain('connections');
    expect(names).toContain('cron_heartbeats');
    const applied = await client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
    const journal = (await import('../../db/migrations/meta/_journal.json')).entries;
    expect(applied.rows[0]?.n).toBe(journal.length);
    // The migrator turns foreign keys off for its batch; the next stream has them on again.
    expect((await client.execute('PRAGMA foreign_keys')).rows[0]?.foreign_keys).toBe(1);
  });
});
