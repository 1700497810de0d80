import { describe, expect, it } from 'vitest';
import { leases } from '../../db/schema';
import {
  acquireLease,
  EXPIRED_ROW_GRACE_MS,
  pruneExpiredLeases,
  readLease,
  releaseLease,
  renewLease,
  withLease,
} from '../../src/lib/lease';
import { freshDb, manualClock, openDb } from './support';

describe('lease', () => {
  it('is exclusive until released', async () => {
    const { db } = await freshDb();
    const key = 'token:con_1';
    expect(await acquireLease(db, { key, holder: 'a', ttlMs: 30_000 }, 1000)).toBe(true);
    expect(await acquireLease(db, { key, holder: 'b', ttlMs: 30_000 }, 2000)).toBe(false);
    await releaseLease(db, key, 'a');
    expect(await acquireLease(db, { key, holder: 'b', ttlMs: 30_000 }, 3000)).toBe(true);
    expect((await readLease(db, key))?.holder).toBe('b');
  });

  it('is taken over once expired, and the old holder can no longer release or renew it', async () => {
    const { db } = await freshDb();
    const key = 'sync:con_1';
    await acquireLease(db, { key, holder: 'a', ttlMs: 10_000 }, 0);
    expect(await acquireLease(db, { key, holder: 'b', ttlMs: 10_000 }, 9_999)).toBe(false);
    expect(await acquireLease(db, { key, holder: 'b', ttlMs: 10_000 }, 10_000)).toBe(true);
    await releaseLease(db, key, 'a');
    expect(await renewLease(db, { key, holder: 'a', ttlMs: 10_000 }, 10_001)).toBe(false);
    expect(await readLease(db, key)).toEqual({ holder: 'b', expiresAt: 20_000 });
    expect(await renewLease(db, { key, holder: 'b', ttlMs: 10_000 }, 15_000)).toBe(true);
    expect((await readLease(db, key))?.expiresAt).toBe(25_000);
  });

  it('has exactly one winner among concurrent acquirers on separate connections', async () => {
    const { db, url } = await freshDb();
    const others = [openDb(url), openDb(url), openDb(url)];
    const results = await Promise.all(
      [db, ...others].map((d, i) => acquireLease(d, { key: 'token:x', holder: `h${i}`, ttlMs: 5000 }, 100)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('withLease releases after the work, also when it throws', async () => {
    const { db } = await freshDb();
    const clock = manualClock();
    const opts = { key: 'sync:c', holder: 'a', ttlMs: 60_000 };
    await expect(withLease(db, clock, opts, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(await readLease(db, 'sync:c')).toBeUndefined();
    const held = await withLease(db, clock, opts, async () => {
      const inner = await withLease(db, clock, { ...opts, holder: 'b' }, async () => 1);
      expect(inner).toEqual({ acquired: false, heldUntil: clock.now() + 60_000 });
      return 2;
    });
    expect(held).toEqual({ acquired: true, value: 2 });
  });
});

describe('pruning expired leases', () => {
  it('deletes rows expired for more than a day and keeps the rest', async () => {
    const { db } = await freshDb();
    const now = Date.UTC(2026, 5, 1);
    await db.insert(leases).values([
      { key: 'form:old', holder: 'h', expiresAt: now - EXPIRED_ROW_GRACE_MS - 1 },
      { key: 'form:recent', holder: 'h', expiresAt: now - 60_000 },
      { key: 'sync:live', holder: 'h', expiresAt: now + 60_000 },
    ]);
    expect(await pruneExpiredLeases(db, now)).toBe(1);
    const keys = (await db.select({ key: leases.key }).from(leases)).map((r) => r.key).sort();
    expect(keys).toEqual(['form:recent', 'sync:live']);
  });
});
