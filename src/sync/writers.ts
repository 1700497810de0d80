/**
 * Stream records to upsert statements, keyed by natural keys so a replayed page changes nothing. Rows are
 * inserted many per statement, chunked so no statement binds more than SQLite's historic 999 parameters
 * (remote libSQL servers may keep that limit).
 */
import { and, eq, getTableColumns, sql, type Table } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { bjDailyUsage, bjMeetingHistory, bjMeetings, bjParticipants, bjUsers } from '../../db/schema';
import type {
  DailyActiveRow,
  DailyMeetingUsageRow,
  HistoryRecord,
  MeetingRow,
  UserRow,
} from '../connectors/bluejeans';

export type Statement = BatchItem<'sqlite'>;

const MAX_PARAMS = 999;

/** Splits rows so each chunk binds at most MAX_PARAMS values. */
export function chunk<T extends object>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, columns)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** `excluded.<column>` for every named column, the usual upsert set clause. */
function excluded<T extends Table>(table: T, keys: readonly (keyof T['_']['columns'] & string)[]) {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const set: Record<string, unknown> = {};
  for (const k of keys) set[k] = sql.raw(`excluded."${columns[k]?.name}"`);
  return set;
}

/** Licensed users; listing time marks presence, and a listed user is no longer removed. */
export function userStatements(db: Db, connectionId: string, rows: readonly UserRow[], listedAt: number) {
  const values = dedupe(rows, (r) => r.userId).map((r) => ({
    ...r,
    connectionId,
    firstSeenAt: listedAt,
    lastListedAt: listedAt,
    removedAt: null,
  }));
  return chunk(values, 12).map((part) =>
    db
      .insert(bjUsers)
      .values(part)
      .onConflictDoUpdate({
        target: [bjUsers.connectionId, bjUsers.userId],
        set: {
          ...excluded(bjUsers, [
            'username',
            'firstName',
            'lastName',
            'email',
            'isEnterpriseAdmin',
            'enterpriseJoinDate',
            'lastListedAt',
          ]),
          removedAt: null,
        },
      }),
  );
}

/** Marks users a complete listing (started at `listedAt`) did not include; never deletes them. */
export function markRemovedStatement(db: Db, connectionId: string, listedAt: number, now: number) {
  return db
    .update(bjUsers)
    .set({ removedAt: now })
    .where(
      and(
        eq(bjUsers.connectionId, connectionId),
        sql`${bjUsers.lastListedAt} < ${listedAt}`,
        sql`${bjUsers.removedAt} is null`,
      ),
    );
}

const MEETING_COLUMNS = [
  'meetingId',
  'hostUserName',
  'hostEmail',
  'title',
  'startTime',
  'endTime',
  'totalCallSeconds',
  'endpointsCount',
  'concurrentEndpoints',
  'inviteeCount',
  'recording',
  'liveRecording',
  'contentShare',
  'videoShare',
  'largeMeeting',
  'personal',
  'moderatorLess',
  'scheduledFrom',
  'syncedAt',
] as const;

/** Command Center meetings; `pstn` is left alone (it comes from history). */
export function meetingStatements(db: Db, connectionId: string, rows: readonly MeetingRow[], now: number) {
  const values = dedupe(rows, (r) => r.meetingUuid).map((r) => ({ ...r, connectionId, syncedAt: now }));
  return chunk(values, 23).map((part) =>
    db
      .insert(bjMeetings)
      .values(part)
      .onConflictDoUpdate({
        target: [bjMeetings.connectionId, bjMeetings.meetingUuid],
        set: excluded(bjMeetings, MEETING_COLUMNS),
      }),
  );
}

const HISTORY_COLUMNS = [
  'meetingUuid',
  'leaderUserId',
  'leaderEmail',
  'startTime',
  'durationMinutes',
  'maxParticipants',
  'totalParticipantMinutes',
  'dialoutMinutes',
  'tollFreeMinutes',
  'didMinutes',
  'pstnOnly',
  'syncedAt',
] as const;

const PARTICIPANT_COLUMNS = [
  'userId',
  'email',
  'minutes',
  'deviceType',
  'joinTime',
  'disconnectTime',
  'isModerator',
] as const;

/** Meeting history with its participants, and the PSTN flag of the matching Command Center meetings. */
export function historyStatements(
  db: Db,
  connectionId: string,
  records: readonly HistoryRecord[],
  now: number,
): Statement[] {
  const unique = dedupe(records, (r) => r.history.meetingGuid);
  const out: Statement[] = [];
  const history = unique.map((r) => ({ ...r.history, connectionId, syncedAt: now }));
  for (const part of chunk(history, 14)) {
    out.push(
      db
        .insert(bjMeetingHistory)
        .values(part)
        .onConflictDoUpdate({
          target: [bjMeetingHistory.connectionId, bjMeetingHistory.meetingGuid],
          set: excluded(bjMeetingHistory, HISTORY_COLUMNS),
        }),
    );
  }
  const people = unique.flatMap((r) =>
    dedupe(r.participants, (p) => p.participantKey).map((p) => ({ ...p, connectionId })),
  );
  for (const part of chunk(people, 10)) {
    out.push(
      db
        .insert(bjParticipants)
        .values(part)
        .onConflictDoUpdate({
          target: [bjParticipants.connectionId, bjParticipants.meetingGuid, bjParticipants.participantKey],
          set: excluded(bjParticipants, PARTICIPANT_COLUMNS),
        }),
    );
  }
  return out;
}

/** Daily active users: only the active-users column of the day's row. */
export function activeDayStatements(
  db: Db,
  connectionId: string,
  rows: readonly DailyActiveRow[],
  now: number,
) {
  const values = dedupe(rows, (r) => r.day).map((r) => ({ ...r, connectionId, syncedAt: now }));
  return chunk(values, 4).map((part) =>
    db
      .insert(bjDailyUsage)
      .values(part)
      .onConflictDoUpdate({
        target: [bjDailyUsage.connectionId, bjDailyUsage.day],
        set: excluded(bjDailyUsage, ['activeUsers', 'syncedAt']),
      }),
  );
}

/** Daily meeting usage: only the meeting columns of the day's row. */
export function usageDayStatements(
  db: Db,
  connectionId: string,
  rows: readonly DailyMeetingUsageRow[],
  now: number,
) {
  const values = dedupe(rows, (r) => r.day).map((r) => ({ ...r, connectionId, syncedAt: now }));
  return chunk(values, 6).map((part) =>
    db
      .insert(bjDailyUsage)
      .values(part)
      .onConflictDoUpdate({
        target: [bjDailyUsage.connectionId, bjDailyUsage.day],
        set: excluded(bjDailyUsage, ['numMeetings', 'numEndpoints', 'endpointMinutes', 'syncedAt']),
      }),
  );
}

/** Last record wins for a repeated key: one statement must not upsert the same row twice. */
function dedupe<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) byKey.set(key(r), r);
  return [...byKey.values()];
}
