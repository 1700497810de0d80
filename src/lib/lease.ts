/**
 * Expiring leases: mutual exclusion across processes and Worker invocations, kept in the `leases` table.
 *
 * Acquiring is one atomic upsert: insert the row, or take it over only when the current lease has expired
 * (or is already ours). Nothing else is needed for correctness because SQLite serialises writes; a holder
 * that crashes simply lets the lease expire. Used for `token:<connectionId>` (one token request at a time)
 * and `sync:<connectionId>` (one sync at a time).
 */
import { and, eq, lt, lte, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { leases } from '../../db/schema';
import type { Clock } from './clock';

export interface LeaseOptions {
  /** e.g. `token:<connectionId>`. */
  key: string;
  /** Who holds it; unique per attempt (a random id), so a late release never frees someone else's lease. */
  holder: string;
  /** How long the lease lives if its holder never releases it. */
  ttlMs: number;
}

/**
 * The acquiring upsert, unexecuted, so it can share a batch (one round trip) with the reads that follow
 * it; `heldBy` tells from its result whether the lease was taken.
 */
export function acquireLeaseStatement(db: Db, opts: LeaseOptions, now: number) {
  return db
    .insert(leases)
    .values({ key: opts.key, holder: opts.holder, expiresAt: now + opts.ttlMs })
    .onConflictDoUpdate({
      target: leases.key,
      set: { holder: opts.holder, expiresAt: now + opts.ttlMs },
      setWhere: or(lte(leases.expiresAt, now), eq(leases.holder, opts.holder)),
    })
    .returning({ holder: leases.holder });
}

/** Whether the rows `acquireLeaseStatement` returned say that `holder` holds the lease now. */
export function heldBy(rows: readonly { holder: string }[], holder: string): boolean {
  return rows.length === 1 && rows[0]?.holder === holder;
}

/** Takes the lease if it is free, expired or already ours; returns whether we hold it now. */
export async function acquireLease(db: Db, opts: LeaseOptions, now: number): Promise<boolean> {
  return heldBy(await acquireLeaseStatement(db, opts, now), opts.holder);
}

/** Extends a lease we still hold; false when it was lost (expired and taken over). */
export async function renewLease(db: Db, opts: LeaseOptions, now: number): Promise<boolean> {
  const rows = await db
    .update(leases)
    .set({ expiresAt: now + opts.ttlMs })
    .where(and(eq(leases.key, opts.key), eq(leases.holder, opts.holder)))
    .returning({ key: leases.key });
  return rows.length === 1;
}

/** Frees the lease if we still hold it (a no-op when it expired and someone else took it). */
export async function releaseLease(db: Db, key: string, holder: string): Promise<void> {
  await db.delete(leases).where(and(eq(leases.key, key), eq(leases.holder, holder)));
}

/** The holder a handed-back lease carries (see `handBackLease`). */
export const RELEASED_HOLDER = 'released';

/**
 * Frees the lease like `releaseLease`, but leaves the row behind, expired at `now` under the holder
 * `released`: readers can then tell a lease handed back on purpose (and when) from one whose holder died
 * (expired under its holder's id). Anyone may take it at once.
 */
export async function handBackLease(db: Db, key: string, holder: string, now: number): Promise<void> {
  await handBackLeaseStatement(db, key, holder, now);
}

/** `handBackLease` unexecuted, to close a slice in the same batch as its last bookkeeping. */
export function handBackLeaseStatement(db: Db, key: string, holder: string, now: number) {
  return db
    .update(leases)
    .set({ holder: RELEASED_HOLDER, expiresAt: now })
    .where(and(eq(leases.key, key), eq(leases.holder, holder)));
}

/** The current lease on `key`, if any (expired or not). */
export async function readLease(
  db: Db,
  key: string,
): Promise<{ holder: string; expiresAt: number } | undefined> {
  const rows = await db
    .select({ holder: leases.holder, expiresAt: leases.expiresAt })
    .from(leases)
    .where(eq(leases.key, key));
  return rows[0];
}

export type LeaseResult<T> =
  | { acquired: true; value: T }
  | { acquired: false; heldUntil: number | undefined };

/**
 * Runs `fn` while holding the lease and always releases it afterwards. When someone else holds it,
 * returns `{ acquired: false }` at once: the caller decides whether to wait, skip or retry later.
 */
export async function withLease<T>(
  db: Db,
  clock: Pick<Clock, 'now'>,
  opts: LeaseOptions,
  fn: () => Promise<T>,
): Promise<LeaseResult<T>> {
  if (!(await acquireLease(db, opts, clock.now()))) {
    const current = await readLease(db, opts.key);
    return { acquired: false, heldUntil: current?.expiresAt };
  }
  try {
    return { acquired: true, value: await fn() };
  } finally {
    await releaseLease(db, opts.key, opts.holder);
  }
}

/** A fresh holder id (random, unguessable; never reused between attempts). */
export function newHolderId(prefix = 'h'): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/** Expired rows linger a day (useful when reading what happened), then cron firings sweep them. */
export const EXPIRED_ROW_GRACE_MS = 24 * 60 * 60_000;

/**
 * Deletes lease rows (sync/token locks, spent form claims) that expired more than a day ago, so the
 * table stays as small as the work in flight. Returns how many went.
 */
export async function pruneExpiredLeases(db: Db, now: number): Promise<number> {
  const result = await db.delete(leases).where(lt(leases.expiresAt, now - EXPIRED_ROW_GRACE_MS));
  return result.rowsAffected;
}
