/**
 * The reclaim job store: jobs and their items (db/schema.ts `reclaim_jobs`, `reclaim_items`), written so
 * a crash at any point resumes without removing anyone twice or skipping anyone:
 * - a job and all its items are created in one batch, and only when no job of the same selection is
 *   running or was started in the last ten minutes (a double submit finds the first job);
 * - an item's `attempted_at` is written (only while the job still runs) before its removeUser call;
 * - a result commits in one batch with what it changes: the item, the user row (removed, reclaimed, by
 *   whom), the activity-log entry and a new usage data version, and only while the item is pending.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bumpVersionStatements } from '../../db/queries/rollups';
import {
  auditLog,
  bjUsers,
  type ReclaimItemStatus,
  type ReclaimJobStatus,
  reclaimItems,
  reclaimJobs,
} from '../../db/schema';
import { type AuditEntry, detailJson, guardedAuditInsert, isGuardFailure } from '../connections/audit';
import { newId } from '../lib/ids';
import type { OrgScope } from '../lib/scope';

export type ReclaimJob = typeof reclaimJobs.$inferSelect;
export type ReclaimItem = typeof reclaimItems.$inferSelect;

/** Who the job's activity-log entries name for what the job itself does. */
export const RECLAIM_ACTOR = 'seatwise:reclaim';

/** A second submit of the same selection within this long finds the first job instead of a new one. */
export const DOUBLE_SUBMIT_WINDOW_MS = 10 * 60_000;

export interface NewJobUser {
  userId: string;
  email: string | null;
  name: string;
}

/** Hash of the connection and the sorted, de-duplicated user ids: the same selection, the same hash. */
export async function selectionHash(connectionId: string, userIds: readonly string[]): Promise<string> {
  const text = `${connectionId}\n${[...new Set(userIds)].sort().join('\n')}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Creates the job with its items and the "reclaim started" entry, unless the same selection already has
 * a job running (or started within the double-submit window): then that job is returned, `created` false.
 */
export async function createJob(
  db: Db,
  input: {
    orgId: string;
    connectionId: string;
    approvedBy: string;
    users: readonly NewJobUser[];
    now: number;
  },
): Promise<{ jobId: string; created: boolean }> {
  const { orgId, connectionId, approvedBy, users, now } = input;
  const hash = await selectionHash(
    connectionId,
    users.map((u) => u.userId),
  );
  const id = newId('rcl', now);
  const items = JSON.stringify(users.map((u) => [u.userId, u.email, u.name]));
  const started: AuditEntry = {
    orgId,
    connectionId,
    actor: approvedBy,
    action: 'reclaim.started',
    detail: { jobId: id, users: users.length },
    at: now,
  };
  const since = now - DOUBLE_SUBMIT_WINDOW_MS;
  // One batch (one transaction): the job only when no twin exists, its items and entry only with it.
  await db.batch([
    db.run(sql`INSERT INTO reclaim_jobs (id, org_id, connection_id, status, approved_by, selection_hash, total, slices, created_at)
      SELECT ${id}, ${orgId}, ${connectionId}, 'running', ${approvedBy}, ${hash}, ${users.length}, 0, ${now}
      WHERE NOT EXISTS (SELECT 1 FROM reclaim_jobs WHERE connection_id = ${connectionId} AND selection_hash = ${hash}
        AND (status = 'running' OR created_at > ${since}))`),
    db.run(sql`INSERT INTO reclaim_items (job_id, position, user_id, email, name)
      SELECT ${id}, j.key, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(${items}) j
      WHERE EXISTS (SELECT 1 FROM reclaim_jobs WHERE id = ${id})`),
    db.run(sql`INSERT INTO ${auditLog} (org_id, connection_id, actor, action, detail, at)
      SELECT ${orgId}, ${connectionId}, ${approvedBy}, ${started.action}, ${detailJson(started.detail)}, ${now}
      WHERE EXISTS (SELECT 1 FROM reclaim_jobs WHERE id = ${id})`),
  ]);
  const mine = await db.select({ id: reclaimJobs.id }).from(reclaimJobs).where(eq(reclaimJobs.id, id)).get();
  if (mine) return { jobId: id, created: true };
  const twin = await db
    .select({ id: reclaimJobs.id })
    .from(reclaimJobs)
    .where(and(eq(reclaimJobs.connectionId, connectionId), eq(reclaimJobs.selectionHash, hash)))
    .orderBy(sql`${reclaimJobs.createdAt} DESC`)
    .get();
  if (!twin) throw new Error('reclaim job neither created nor found');
  return { jobId: twin.id, created: false };
}

/** The job a submit of the same selection started, while it runs or within the double-submit window. */
export async function findTwin(
  db: Db,
  connectionId: string,
  userIds: readonly string[],
  now: number,
): Promise<string | undefined> {
  const hash = await selectionHash(connectionId, userIds);
  const row = await db
    .select({ id: reclaimJobs.id })
    .from(reclaimJobs)
    .where(
      and(
        eq(reclaimJobs.connectionId, connectionId),
        eq(reclaimJobs.selectionHash, hash),
        sql`(${reclaimJobs.status} = 'running' OR ${reclaimJobs.createdAt} > ${now - DOUBLE_SUBMIT_WINDOW_MS})`,
      ),
    )
    .orderBy(sql`${reclaimJobs.createdAt} DESC`)
    .get();
  return row?.id;
}

export async function loadJob(db: Db, jobId: string): Promise<ReclaimJob | undefined> {
  return db.select().from(reclaimJobs).where(eq(reclaimJobs.id, jobId)).get();
}

/**
 * Moves a job's message chain from turn `from` to the next (due at `dueAt`), unless another runner did
 * first or the job finished: only the winner sends the next message, so one chain of messages runs.
 */
export async function claimTurn(db: Db, jobId: string, from: number, dueAt: number): Promise<boolean> {
  const moved = await db
    .update(reclaimJobs)
    .set({ turn: from + 1, turnDueAt: dueAt })
    .where(and(eq(reclaimJobs.id, jobId), eq(reclaimJobs.turn, from), isNull(reclaimJobs.finishedAt)))
    .returning({ turn: reclaimJobs.turn });
  return moved.length === 1;
}

/** A job of the organization, or undefined (a job of another organization is the same as none). */
export async function loadOwnedJob(scope: OrgScope, jobId: string): Promise<ReclaimJob | undefined> {
  return scope.db
    .select()
    .from(reclaimJobs)
    .where(and(eq(reclaimJobs.id, jobId), eq(reclaimJobs.orgId, scope.orgId)))
    .get();
}

export async function jobItems(db: Db, jobId: string): Promise<ReclaimItem[]> {
  return db
    .select()
    .from(reclaimItems)
    .where(eq(reclaimItems.jobId, jobId))
    .orderBy(asc(reclaimItems.position))
    .all();
}

export async function pendingItems(db: Db, jobId: string): Promise<ReclaimItem[]> {
  return db
    .select()
    .from(reclaimItems)
    .where(and(eq(reclaimItems.jobId, jobId), eq(reclaimItems.status, 'pending')))
    .orderBy(asc(reclaimItems.position))
    .all();
}

/** The organization's latest jobs, newest first. */
export async function recentJobs(scope: OrgScope, limit = 5): Promise<ReclaimJob[]> {
  return scope.db
    .select()
    .from(reclaimJobs)
    .where(eq(reclaimJobs.orgId, scope.orgId))
    .orderBy(sql`${reclaimJobs.createdAt} DESC`)
    .limit(limit)
    .all();
}

/** Jobs not finished yet (running, or cancelled with an interrupted removal to settle). */
export async function unfinishedJobs(db: Db): Promise<ReclaimJob[]> {
  return db.select().from(reclaimJobs).where(isNull(reclaimJobs.finishedAt)).all();
}

/** User ids waiting in unfinished jobs of the connection (a user is in at most one job at a time). */
export async function usersInUnfinishedJobs(db: Db, connectionId: string): Promise<Set<string>> {
  const rows = await db.all<{ user_id: string }>(sql`SELECT i.user_id FROM reclaim_items i
    JOIN reclaim_jobs j ON j.id = i.job_id
    WHERE j.connection_id = ${connectionId} AND j.finished_at IS NULL AND i.status = 'pending'`);
  return new Set(rows.map((r) => r.user_id));
}

/**
 * Notes the attempt before the removeUser call. Only while the job runs and the item is pending: false
 * means "do not call" (cancelled meanwhile, or settled by another runner).
 */
export async function markAttempt(db: Db, jobId: string, userId: string, now: number): Promise<boolean> {
  const rows = await db.all<{ user_id: string }>(sql`UPDATE reclaim_items
    SET attempted_at = coalesce(attempted_at, ${now}), attempts = attempts + 1
    WHERE job_id = ${jobId} AND user_id = ${userId} AND status = 'pending'
      AND EXISTS (SELECT 1 FROM reclaim_jobs WHERE id = ${jobId} AND status = 'running')
    RETURNING user_id`);
  return rows.length === 1;
}

/** Counts a failed try without settling the item (retried later). */
export async function noteRetry(db: Db, jobId: string, userId: string, reason: string): Promise<void> {
  await db
    .update(reclaimItems)
    .set({ reason })
    .where(
      and(eq(reclaimItems.jobId, jobId), eq(reclaimItems.userId, userId), eq(reclaimItems.status, 'pending')),
    );
}

const settle = (
  db: Db,
  jobId: string,
  userId: string,
  status: ReclaimItemStatus,
  reason: string,
  now: number,
) =>
  db
    .update(reclaimItems)
    .set({ status, reason, doneAt: now })
    .where(
      and(eq(reclaimItems.jobId, jobId), eq(reclaimItems.userId, userId), eq(reclaimItems.status, 'pending')),
    );

/**
 * The user was removed through Seatwise: item, user row (removed, reclaimed, approver), the activity-log
 * entry naming the approver, and a new data version, in one batch that only commits while the item is
 * pending (a second runner settling the same item changes nothing). Returns whether it committed.
 */
export async function recordRemoved(
  db: Db,
  job: ReclaimJob,
  item: ReclaimItem,
  reason: string,
  now: number,
): Promise<boolean> {
  try {
    await db.batch([
      settle(db, job.id, item.userId, 'removed', reason, now),
      guardedAuditInsert(db, {
        orgId: job.orgId,
        connectionId: job.connectionId,
        actor: job.approvedBy,
        action: 'reclaim.user_removed',
        detail: {
          jobId: job.id,
          userId: item.userId,
          user: item.email ?? item.name,
          approvedBy: job.approvedBy,
        },
        at: now,
      }),
      db
        .update(bjUsers)
        .set({
          removedAt: sql`coalesce(${bjUsers.removedAt}, ${now})`,
          reclaimedAt: now,
          reclaimedBy: job.approvedBy,
          reclaimJobId: job.id,
        })
        .where(and(eq(bjUsers.connectionId, job.connectionId), eq(bjUsers.userId, item.userId))),
      ...bumpVersionStatements(db, job.connectionId),
    ]);
    return true;
  } catch (err) {
    if (isGuardFailure(err)) return false;
    throw err;
  }
}

/** BlueJeans no longer knew the user (404 before Seatwise removed them): marked gone, not reclaimed. */
export async function recordGone(
  db: Db,
  job: ReclaimJob,
  item: ReclaimItem,
  reason: string,
  now: number,
): Promise<void> {
  await db.batch([
    settle(db, job.id, item.userId, 'gone', reason, now),
    db
      .update(bjUsers)
      .set({ removedAt: sql`coalesce(${bjUsers.removedAt}, ${now})` })
      .where(and(eq(bjUsers.connectionId, job.connectionId), eq(bjUsers.userId, item.userId))),
    ...bumpVersionStatements(db, job.connectionId),
  ]);
}

/** Settles an item without a change at BlueJeans (refused, failed, skipped). */
export async function recordOutcome(
  db: Db,
  jobId: string,
  userId: string,
  status: 'refused' | 'failed' | 'skipped',
  reason: string,
  now: number,
): Promise<void> {
  await settle(db, jobId, userId, status, reason, now);
}

/** Every pending item not attempted yet becomes `skipped` (a stop or a cancel). */
export async function skipUnattempted(db: Db, jobId: string, reason: string, now: number): Promise<void> {
  await db
    .update(reclaimItems)
    .set({ status: 'skipped', reason, doneAt: now })
    .where(
      and(
        eq(reclaimItems.jobId, jobId),
        eq(reclaimItems.status, 'pending'),
        isNull(reclaimItems.attemptedAt),
      ),
    );
}

export async function addSlice(db: Db, jobId: string): Promise<void> {
  await db
    .update(reclaimJobs)
    .set({ slices: sql`${reclaimJobs.slices} + 1` })
    .where(eq(reclaimJobs.id, jobId));
}

/** Marks the job stopped (a 403, a revoked opt-in...) while it runs; the runner finishes it. */
export async function stopJob(db: Db, jobId: string, reason: string): Promise<void> {
  await db
    .update(reclaimJobs)
    .set({ status: 'stopped', stopReason: reason })
    .where(and(eq(reclaimJobs.id, jobId), eq(reclaimJobs.status, 'running')));
}

/** Cancels a running job of the organization; false when it was not running. */
export async function cancelJob(scope: OrgScope, jobId: string): Promise<boolean> {
  const rows = await scope.db
    .update(reclaimJobs)
    .set({ status: 'cancelled' })
    .where(
      and(eq(reclaimJobs.id, jobId), eq(reclaimJobs.orgId, scope.orgId), eq(reclaimJobs.status, 'running')),
    )
    .returning({ id: reclaimJobs.id });
  return rows.length === 1;
}

/** Sets `finished_at` once; true for the one caller that did (it sends the completion event). */
export async function finishJob(db: Db, jobId: string, now: number): Promise<boolean> {
  const rows = await db
    .update(reclaimJobs)
    .set({
      finishedAt: now,
      status: sql`CASE WHEN ${reclaimJobs.status} = 'running' THEN 'done' ELSE ${reclaimJobs.status} END`,
    })
    .where(and(eq(reclaimJobs.id, jobId), isNull(reclaimJobs.finishedAt)))
    .returning({ id: reclaimJobs.id });
  return rows.length === 1;
}

export type ItemCounts = Record<ReclaimItemStatus, number>;

export function countItems(items: readonly ReclaimItem[]): ItemCounts {
  const counts: ItemCounts = { pending: 0, removed: 0, gone: 0, refused: 0, failed: 0, skipped: 0 };
  for (const i of items) counts[i.status] += 1;
  return counts;
}

export type { ReclaimItemStatus, ReclaimJobStatus };
