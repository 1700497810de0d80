/**
 * Sync bookkeeping queries: checkpoints, runs, due connections and the set-based post-run updates.
 * Statements that must commit with a page are returned unexecuted so the caller can batch them.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { connections, syncCheckpoints, syncRuns } from '../schema';

export type CheckpointRow = typeof syncCheckpoints.$inferSelect;
export type SyncRunRow = typeof syncRuns.$inferSelect;

/** Per stream counters kept in sync_runs.stats. */
export interface StreamStats {
  fetched: number;
  upserted: number;
  skipped: number;
  /** Pages stored, and the latest page's progress as the API told it (see PageProgress). */
  pages?: number;
  total?: number;
  page?: number;
  pagesTotal?: number;
  daysDone?: number;
  daysTotal?: number;
}
export type RunStats = Record<string, StreamStats>;

/** Checkpoint text for a stream that finished its walk in the run named by `runId`. */
export const DONE = 'done';

export async function readCheckpoints(db: Db, connectionId: string): Promise<Map<string, CheckpointRow>> {
  return checkpointMap(await checkpointsQuery(db, connectionId));
}

/** The checkpoints query unexecuted (to batch it with other reads). */
export function checkpointsQuery(db: Db, connectionId: string) {
  return db.select().from(syncCheckpoints).where(eq(syncCheckpoints.connectionId, connectionId));
}

export function checkpointMap(rows: readonly CheckpointRow[]): Map<string, CheckpointRow> {
  return new Map(rows.map((r) => [r.stream, r]));
}

/** Upsert of one checkpoint (unexecuted: it belongs in the page's batch). */
export function checkpointStatement(db: Db, row: typeof syncCheckpoints.$inferInsert) {
  return db
    .insert(syncCheckpoints)
    .values(row)
    .onConflictDoUpdate({
      target: [syncCheckpoints.connectionId, syncCheckpoints.stream],
      set: { runId: row.runId, cursor: row.cursor, highWater: row.highWater, updatedAt: row.updatedAt },
    });
}

export async function findRunningRun(db: Db, connectionId: string): Promise<SyncRunRow | undefined> {
  return (await runningRunQuery(db, connectionId))[0];
}

/** The open run's query unexecuted (to batch it with other reads); at most one row. */
export function runningRunQuery(db: Db, connectionId: string) {
  return db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.connectionId, connectionId), eq(syncRuns.status, 'running')))
    .orderBy(desc(syncRuns.startedAt))
    .limit(1);
}

export async function latestRun(db: Db, connectionId: string): Promise<SyncRunRow | undefined> {
  return db
    .select()
    .from(syncRuns)
    .where(eq(syncRuns.connectionId, connectionId))
    .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
    .get();
}

export function parseStats(text: string): RunStats {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as RunStats) : {};
  } catch {
    return {};
  }
}

/** Stats of a run, written with each page so the counters are as durable as the rows. */
export function runStatsStatement(db: Db, runId: string, stats: RunStats) {
  return db
    .update(syncRuns)
    .set({ stats: JSON.stringify(stats) })
    .where(eq(syncRuns.id, runId));
}

/** Adds a slice's request count (a lost count only understates the figure). */
export async function addSliceToRun(db: Db, runId: string, requests: number): Promise<void> {
  await addSliceStatement(db, runId, requests);
}

/** `addSliceToRun` unexecuted (a slice closes with it and its lease hand-back in one round trip). */
export function addSliceStatement(db: Db, runId: string, requests: number) {
  return db
    .update(syncRuns)
    .set({ slices: sql`${syncRuns.slices} + 1`, requests: sql`${syncRuns.requests} + ${requests}` })
    .where(eq(syncRuns.id, runId));
}

export function finishRunStatement(
  db: Db,
  runId: string,
  status: 'succeeded' | 'failed',
  at: number,
  error: string | null = null,
) {
  return db.update(syncRuns).set({ status, finishedAt: at, error }).where(eq(syncRuns.id, runId));
}

/** The latest error of a run that stays open for its retry. */
export function runErrorStatement(db: Db, runId: string, error: string) {
  return db.update(syncRuns).set({ error }).where(eq(syncRuns.id, runId));
}

/**
 * Connections a scheduler should work on at `now`: connected or failed ones whose time has come (never
 * synced counts as due), and syncing ones whose lease is gone (a crashed or abandoned run to resume).
 */
export async function dueConnectionIds(db: Db, now: number): Promise<string[]> {
  const rows = await db
    .select({ id: connections.id })
    .from(connections)
    .where(
      sql`${connections.sealedCredentials} is not null and (
        (${connections.state} in ('connected', 'sync_error')
          and (${connections.nextSyncAt} is null or ${connections.nextSyncAt} <= ${now}))
        or (${connections.state} = 'syncing' and not exists (
          select 1 from leases l where l.key = 'sync:' || ${connections.id} and l.expires_at > ${now})))`,
    )
    .orderBy(asc(connections.nextSyncAt), asc(connections.id));
  return rows.map((r) => r.id);
}

/**
 * One set-based UPDATE: a user's last activity is the latest of the meetings they hosted (Command Center
 * by host email, history by leader id/email) and the meetings they joined (participants by user id or
 * email). Keeps the old value when nothing is found (history is never deleted, so it cannot go back).
 * Every branch is one index seek per user (leaders by id and by e-mail are separate branches: an OR of
 * the two scanned every history row of the connection once per user). A participant named by user id
 * counts for that user only, as in the rollups: the e-mail branch reads participants without one (the
 * partial index bj_participants_guest_join).
 */
const LAST_ACTIVE = sql`coalesce((
      select max(t) from (
        select max(coalesce(m.end_time, m.start_time)) as t from bj_meetings m
          where m.connection_id = bj_users.connection_id and m.host_email = bj_users.email
        union all
        select max(h.start_time) from bj_meeting_history h
          where h.connection_id = bj_users.connection_id and h.leader_user_id = bj_users.user_id
        union all
        select max(h.start_time) from bj_meeting_history h
          where h.connection_id = bj_users.connection_id and h.leader_email = bj_users.email
        union all
        select max(p.join_time) from bj_participants p
          where p.connection_id = bj_users.connection_id and p.user_id = bj_users.user_id
        union all
        select max(p.join_time) from bj_participants p
          where p.connection_id = bj_users.connection_id and p.email = bj_users.email and p.user_id is null
      )
    ), last_active_at)`;

export function lastActiveStatement(db: Db, connectionId: string) {
  // Written only where it differs, so the data version counts real changes (changes() after it).
  return db.run(sql`
    update bj_users set last_active_at = ${LAST_ACTIVE}
    where connection_id = ${connectionId} and last_active_at is not ${LAST_ACTIVE}`);
}

/**
 * PSTN use comes from meeting history (dial-out, toll-free, DID minutes, PSTN-only), but history carries
 * no Command Center UUID: the two listings describe the same meeting by its host and start time, which
 * the (connection_id, host_email, start_time) index answers. One set-based UPDATE, so it does not matter
 * which of the two streams arrived first.
 */
/** Whether a bj_meetings row (named `bj_meetings`) has PSTN use in its matching history. */
export const PSTN_FROM_HISTORY = sql`exists (
      select 1 from bj_meeting_history h
      where h.connection_id = bj_meetings.connection_id
        and h.leader_email = bj_meetings.host_email
        and h.start_time = bj_meetings.start_time
        and (h.pstn_only = 1 or h.dialout_minutes > 0 or h.toll_free_minutes > 0 or h.did_minutes > 0)
    )`;

export function pstnFromHistoryStatement(db: Db, connectionId: string) {
  // Only flips are written, so the rollup upkeep batched beside it knows exactly which keys changed.
  return db.run(sql`
    update bj_meetings set pstn = ${PSTN_FROM_HISTORY}
    where connection_id = ${connectionId} and pstn is not ${PSTN_FROM_HISTORY}`);
}
