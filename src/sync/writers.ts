/**
 * Stream records to upsert statements, keyed by natural keys so a replayed page changes nothing.
 *
 * Each table gets ONE statement per page whatever its size: the rows travel as a single JSON parameter
 * and `INSERT … SELECT … FROM json_each(?)` upserts them all (no 999-parameter chunks, one short SQL
 * text to parse, no per-row query building). Meeting and history pages also carry their rollup upkeep
 * (db/queries/rollups.ts): note the touched keys before and after the upsert, then recompute them, all
 * in the page's batch.
 */
import { sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { countChangesStatement } from '../../db/queries/rollups';
import { bjUsers } from '../../db/schema';
import type {
  DailyActiveRow,
  DailyMeetingUsageRow,
  HistoryRecord,
  MeetingRow,
  UserRow,
} from '../connectors/bluejeans';

export type Statement = BatchItem<'sqlite'>;

interface UpsertSpec {
  table: string;
  /** Column names, in the order of each row's values. */
  columns: readonly string[];
  /** The conflict target (the natural key). */
  key: readonly string[];
  /** Columns a conflicting row takes from the new values. */
  update: readonly string[];
  /** Extra `column = expression` assignments on conflict. */
  also?: readonly string[];
  /** Leave a conflicting row alone unless one of these columns differs (so changes() counts real changes). */
  onlyWhenChanged?: readonly string[];
}

/** Splits an upsert's SQL around its one parameter, built once per table. */
function upsertSql(spec: UpsertSpec): { head: string; tail: string } {
  const values = spec.columns.map((_, i) => `value ->> ${i}`).join(', ');
  const set = [...spec.update.map((c) => `${c} = excluded.${c}`), ...(spec.also ?? [])].join(', ');
  return {
    head: `INSERT INTO ${spec.table} (${spec.columns.join(', ')}) SELECT ${values} FROM json_each(`,
    // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
    tail: `) WHERE true ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${set}${
      spec.onlyWhenChanged
        ? ` WHERE ${spec.onlyWhenChanged.map((c) => `${c} IS NOT excluded.${c}`).join(' OR ')}`
        : ''
    }`,
  };
}

/** One statement upserting every row (rows are arrays of values in `spec.columns` order). */
function upsert(db: Db, text: { head: string; tail: string }, rows: readonly unknown[][]): Statement {
  return db.run(sql`${sql.raw(text.head)}${JSON.stringify(rows)}${sql.raw(text.tail)}`);
}

const USERS = upsertSql({
  table: 'bj_users',
  columns: [
    'connection_id',
    'user_id',
    'username',
    'first_name',
    'last_name',
    'email',
    'is_enterprise_admin',
    'enterprise_join_date',
    'first_seen_at',
    'last_listed_at',
  ],
  key: ['connection_id', 'user_id'],
  update: [
    'username',
    'first_name',
    'last_name',
    'email',
    'is_enterprise_admin',
    'enterprise_join_date',
    'last_listed_at',
  ],
  // A listed user is no longer removed.
  also: ['removed_at = NULL'],
});

/** Licensed users; listing time marks presence, and a listed user is no longer removed. */
export function userStatements(
  db: Db,
  connectionId: string,
  rows: readonly UserRow[],
  listedAt: number,
): Statement[] {
  if (rows.length === 0) return [];
  const values = dedupe(rows, (r) => r.userId).map((r) => [
    connectionId,
    r.userId,
    r.username,
    r.firstName ?? null,
    r.lastName ?? null,
    r.email ?? null,
    r.isEnterpriseAdmin ?? false,
    r.enterpriseJoinDate ?? null,
    listedAt,
    listedAt,
  ]);
  return [usersChangedStatement(db, connectionId, values), upsert(db, USERS, values)];
}

/**
 * Counts, before the upsert, the listed users who are new or differ in what usage pages show (the
 * upsert itself always writes: the listing time changes every run).
 */
function usersChangedStatement(db: Db, connectionId: string, values: readonly unknown[][]): Statement {
  return db.run(sql`UPDATE usage_state SET pending = pending + (
      SELECT count(*) FROM json_each(${JSON.stringify(values)}) j
      LEFT JOIN bj_users u ON u.connection_id = ${connectionId} AND u.user_id = j.value ->> 1
      WHERE u.user_id IS NULL OR u.removed_at IS NOT NULL OR u.username IS NOT j.value ->> 2
        OR u.first_name IS NOT j.value ->> 3 OR u.last_name IS NOT j.value ->> 4 OR u.email IS NOT j.value ->> 5
        OR u.is_enterprise_admin IS NOT j.value ->> 6 OR u.enterprise_join_date IS NOT j.value ->> 7
    ) WHERE connection_id = ${connectionId}`);
}

/** Marks users a complete listing (started at `listedAt`) did not include; never deletes them. */
export function markRemovedStatements(
  db: Db,
  connectionId: string,
  listedAt: number,
  now: number,
): Statement[] {
  return [
    db
      .update(bjUsers)
      .set({ removedAt: now })
      .where(
        sql`${bjUsers.connectionId} = ${connectionId} and ${bjUsers.lastListedAt} < ${listedAt} and ${bjUsers.removedAt} is null`,
      ),
    countChangesStatement(db, connectionId),
  ];
}

const MEETING_COLUMNS = [
  'meeting_id',
  'host_user_name',
  'host_email',
  'title',
  'start_time',
  'end_time',
  'total_call_seconds',
  'endpoints_count',
  'concurrent_endpoints',
  'invitee_count',
  'recording',
  'live_recording',
  'content_share',
  'video_share',
  'large_meeting',
  'personal',
  'moderator_less',
  'scheduled_from',
  'synced_at',
] as const;

// `pstn` is left alone: it comes from history (see the end of a run).
const MEETINGS = upsertSql({
  table: 'bj_meetings',
  columns: ['connection_id', 'meeting_uuid', ...MEETING_COLUMNS],
  key: ['connection_id', 'meeting_uuid'],
  update: MEETING_COLUMNS,
});

/** Command Center meetings (their rollup shares follow through the triggers). */
export function meetingStatements(
  db: Db,
  connectionId: string,
  rows: readonly MeetingRow[],
  now: number,
): Statement[] {
  if (rows.length === 0) return [];
  const unique = dedupe(rows, (r) => r.meetingUuid);
  const values = unique.map((r) => [
    connectionId,
    r.meetingUuid,
    r.meetingId ?? null,
    r.hostUserName ?? null,
    r.hostEmail ?? null,
    r.title ?? null,
    r.startTime,
    r.endTime ?? null,
    r.totalCallSeconds ?? 0,
    r.endpointsCount ?? 0,
    r.concurrentEndpoints ?? 0,
    r.inviteeCount ?? 0,
    r.recording ?? false,
    r.liveRecording ?? false,
    r.contentShare ?? false,
    r.videoShare ?? false,
    r.largeMeeting ?? false,
    r.personal ?? false,
    r.moderatorLess ?? false,
    r.scheduledFrom ?? null,
    now,
  ]);
  return [upsert(db, MEETINGS, values)];
}

const HISTORY_COLUMNS = [
  'meeting_uuid',
  'leader_user_id',
  'leader_email',
  'start_time',
  'duration_minutes',
  'max_participants',
  'total_participant_minutes',
  'dialout_minutes',
  'toll_free_minutes',
  'did_minutes',
  'pstn_only',
  'synced_at',
] as const;

const HISTORY = upsertSql({
  table: 'bj_meeting_history',
  columns: ['connection_id', 'meeting_guid', ...HISTORY_COLUMNS],
  key: ['connection_id', 'meeting_guid'],
  update: HISTORY_COLUMNS,
});

const PARTICIPANT_COLUMNS = [
  'user_id',
  'email',
  'minutes',
  'device_type',
  'join_time',
  'disconnect_time',
  'is_moderator',
] as const;

const PARTICIPANTS = upsertSql({
  table: 'bj_participants',
  columns: ['connection_id', 'meeting_guid', 'participant_key', ...PARTICIPANT_COLUMNS],
  key: ['connection_id', 'meeting_guid', 'participant_key'],
  update: PARTICIPANT_COLUMNS,
});

/** Meeting history with its participants (their rollup shares follow through the triggers). */
export function historyStatements(
  db: Db,
  connectionId: string,
  records: readonly HistoryRecord[],
  now: number,
): Statement[] {
  if (records.length === 0) return [];
  const unique = dedupe(records, (r) => r.history.meetingGuid);
  const history = unique.map(({ history: h }) => [
    connectionId,
    h.meetingGuid,
    h.meetingUuid ?? null,
    h.leaderUserId ?? null,
    h.leaderEmail ?? null,
    h.startTime,
    h.durationMinutes ?? 0,
    h.maxParticipants ?? 0,
    h.totalParticipantMinutes ?? 0,
    h.dialoutMinutes ?? 0,
    h.tollFreeMinutes ?? 0,
    h.didMinutes ?? 0,
    h.pstnOnly ?? false,
    now,
  ]);
  const people = unique.flatMap((r) =>
    dedupe(r.participants, (p) => p.participantKey).map((p) => [
      connectionId,
      p.meetingGuid,
      p.participantKey,
      p.userId ?? null,
      p.email ?? null,
      p.minutes ?? 0,
      p.deviceType ?? null,
      p.joinTime ?? null,
      p.disconnectTime ?? null,
      p.isModerator ?? false,
    ]),
  );
  return [upsert(db, HISTORY, history), ...(people.length > 0 ? [upsert(db, PARTICIPANTS, people)] : [])];
}

const ACTIVE_DAYS = upsertSql({
  table: 'bj_daily_usage',
  columns: ['connection_id', 'day', 'active_users', 'synced_at'],
  key: ['connection_id', 'day'],
  update: ['active_users', 'synced_at'],
  onlyWhenChanged: ['active_users'],
});

/** Daily active users: only the active-users column of the day's row. */
export function activeDayStatements(
  db: Db,
  connectionId: string,
  rows: readonly DailyActiveRow[],
  now: number,
): Statement[] {
  if (rows.length === 0) return [];
  const values = dedupe(rows, (r) => r.day).map((r) => [connectionId, r.day, r.activeUsers ?? null, now]);
  return [upsert(db, ACTIVE_DAYS, values), countChangesStatement(db, connectionId)];
}

const USAGE_DAYS = upsertSql({
  table: 'bj_daily_usage',
  columns: ['connection_id', 'day', 'num_meetings', 'num_endpoints', 'endpoint_minutes', 'synced_at'],
  key: ['connection_id', 'day'],
  update: ['num_meetings', 'num_endpoints', 'endpoint_minutes', 'synced_at'],
  onlyWhenChanged: ['num_meetings', 'num_endpoints', 'endpoint_minutes'],
});

/** Daily meeting usage: only the meeting columns of the day's row. */
export function usageDayStatements(
  db: Db,
  connectionId: string,
  rows: readonly DailyMeetingUsageRow[],
  now: number,
): Statement[] {
  if (rows.length === 0) return [];
  const values = dedupe(rows, (r) => r.day).map((r) => [
    connectionId,
    r.day,
    r.numMeetings ?? null,
    r.numEndpoints ?? null,
    r.endpointMinutes ?? null,
    now,
  ]);
  return [upsert(db, USAGE_DAYS, values), countChangesStatement(db, connectionId)];
}

/** Last record wins for a repeated key: one statement must not upsert the same row twice. */
function dedupe<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) byKey.set(key(r), r);
  return [...byKey.values()];
}
