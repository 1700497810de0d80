/**
 * Rollup upkeep and reads. `usage_daily` holds, per connection, subject and UTC day, what the raw
 * meeting, history and participant rows of that day add up to (see the table's comment in schema.ts).
 *
 * Upkeep is "recompute the touched keys from the raw rows", never "add this page's numbers": a batch
 * notes the keys its rows had before and after the upsert in `usage_dirty`, deletes those rollup rows and
 * inserts them again from the raw rows, then empties `usage_dirty`. Replays, look-back overlaps, late
 * arrivals, redelivered messages and resumed slices therefore all leave the rollup a from-scratch
 * computation would give, which `rollupFromScratch` states in one query (tests compare the two).
 *
 * The statements are returned unexecuted: they belong in the batch that writes the raw rows.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client';

export const DAY_MS = 86_400_000;

/** The UTC day number of an epoch-ms moment, as the rollup stores it. */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

type Raw = ReturnType<Db['run']>;

/** The day length as SQL text: a bound JS number may arrive as a REAL, and day numbers must be integers. */
const DAY = sql.raw(String(DAY_MS));

const json = (values: readonly string[]) => JSON.stringify(values);

/**
 * Notes the rollup keys of the given meetings as stored now. Run before the upsert (their old keys: a
 * host or start time may change) and after it (their new keys).
 */
export function dirtyMeetingsStatement(db: Db, connectionId: string, meetingUuids: readonly string[]): Raw {
  return db.run(sql`INSERT OR IGNORE INTO usage_dirty (connection_id, kind, subject, day)
    SELECT connection_id, 'e', host_email, start_time / ${DAY} FROM bj_meetings
    WHERE connection_id = ${connectionId} AND meeting_uuid IN (SELECT value FROM json_each(${json(meetingUuids)}))
      AND +host_email IS NOT NULL`);
}

/** Notes the rollup keys of the given histories (their leaders) and of every participant stored for them. */
export function dirtyHistoryStatement(db: Db, connectionId: string, meetingGuids: readonly string[]): Raw {
  const guids = json(meetingGuids);
  return db.run(sql`INSERT OR IGNORE INTO usage_dirty (connection_id, kind, subject, day)
    SELECT connection_id, CASE WHEN leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END,
      coalesce(leader_user_id, leader_email), start_time / ${DAY}
    FROM bj_meeting_history
    WHERE connection_id = ${connectionId} AND meeting_guid IN (SELECT value FROM json_each(${guids}))
      AND coalesce(leader_user_id, leader_email) IS NOT NULL
    UNION ALL
    SELECT connection_id, CASE WHEN user_id IS NOT NULL THEN 'u' ELSE 'e' END,
      coalesce(user_id, email), join_time / ${DAY}
    FROM bj_participants
    WHERE connection_id = ${connectionId} AND meeting_guid IN (SELECT value FROM json_each(${guids}))
      AND join_time IS NOT NULL AND coalesce(user_id, email) IS NOT NULL`);
}

/**
 * Notes the keys of meetings whose PSTN flag the end of a run is about to flip (`pstnFromHistoryStatement`
 * in db/queries/sync.ts decides the same condition), so their feature counts are recomputed after it.
 */
export function dirtyPstnFlipStatement(db: Db, connectionId: string, pstnNow: SQL): Raw {
  return db.run(sql`INSERT OR IGNORE INTO usage_dirty (connection_id, kind, subject, day)
    SELECT connection_id, 'e', host_email, start_time / ${DAY} FROM bj_meetings
    WHERE connection_id = ${connectionId} AND +host_email IS NOT NULL AND pstn IS NOT ${pstnNow}`);
}

const COLUMNS =
  sql.raw(`connection_id, kind, subject, day, meetings_hosted, hosted_minutes, meetings_attended,
  participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting,
  f_personal, last_at`);

const SUMS = sql.raw(`sum(mh) AS meetings_hosted, sum(hm) AS hosted_minutes, sum(ma) AS meetings_attended,
  sum(pm) AS participant_minutes, sum(psm) AS pstn_minutes, sum(fr) AS f_recording, sum(fc) AS f_content_share,
  sum(fv) AS f_video_share, sum(fp) AS f_pstn, sum(fl) AS f_large_meeting, sum(fpe) AS f_personal,
  max(last_at) AS last_at`);

/** Per-source values, in the order of SUMS (hosted meeting, led history, joined meeting). */
const MEETING_VALUES = sql.raw(`1 AS mh, 0 AS hm, 0 AS ma, 0 AS pm, 0 AS psm,
  (m.recording OR m.live_recording) AS fr, m.content_share AS fc, m.video_share AS fv, m.pstn AS fp,
  m.large_meeting AS fl, m.personal AS fpe, m.start_time AS last_at`);
const HISTORY_VALUES = sql.raw(`0, h.duration_minutes, 0, 0,
  h.dialout_minutes + h.toll_free_minutes + h.did_minutes, 0, 0, 0, 0, 0, 0, NULL`);
const PARTICIPANT_VALUES = sql.raw('0, 0, 1, p.minutes, 0, 0, 0, 0, 0, 0, 0, p.join_time');

/** Same day as `d.day`, written as a range so the (…, time) indexes answer it. */
const inDay = (column: string) =>
  sql.raw(`${column} >= d.day * ${DAY_MS} AND ${column} < (d.day + 1) * ${DAY_MS}`);

/**
 * Recomputes every noted key from the raw rows and empties the notes. The fresh rows go to a work table
 * first, so only rollup rows that really differ are written or deleted, and each of those writes is
 * counted towards the data version (`countChangesStatement`): a re-read that changes nothing keeps it.
 */
export function recomputeDirtyStatements(db: Db, connectionId: string): Raw[] {
  const c = connectionId;
  const keys = sql`(kind, subject, day)`;
  return [
    db.run(sql`INSERT INTO usage_recomputed (${COLUMNS})
      SELECT ${c}, kind, subject, day, ${SUMS} FROM (
        SELECT d.kind, d.subject, d.day, ${MEETING_VALUES}
        FROM usage_dirty d JOIN bj_meetings m ON m.connection_id = d.connection_id
          AND m.host_email = d.subject AND ${inDay('m.start_time')}
        WHERE d.connection_id = ${c} AND d.kind = 'e'
        UNION ALL
        SELECT d.kind, d.subject, d.day, ${HISTORY_VALUES}
        FROM usage_dirty d JOIN bj_meeting_history h ON h.connection_id = d.connection_id
          AND h.leader_user_id = d.subject AND ${inDay('h.start_time')}
        WHERE d.connection_id = ${c} AND d.kind = 'u'
        UNION ALL
        SELECT d.kind, d.subject, d.day, ${HISTORY_VALUES}
        FROM usage_dirty d JOIN bj_meeting_history h ON h.connection_id = d.connection_id
          AND h.leader_email = d.subject AND ${inDay('h.start_time')}
        WHERE d.connection_id = ${c} AND d.kind = 'e' AND +h.leader_user_id IS NULL
        UNION ALL
        SELECT d.kind, d.subject, d.day, ${PARTICIPANT_VALUES}
        FROM usage_dirty d JOIN bj_participants p ON p.connection_id = d.connection_id
          AND p.user_id = d.subject AND ${inDay('p.join_time')}
        WHERE d.connection_id = ${c} AND d.kind = 'u'
        UNION ALL
        SELECT d.kind, d.subject, d.day, ${PARTICIPANT_VALUES}
        FROM usage_dirty d JOIN bj_participants p ON p.connection_id = d.connection_id
          AND p.email = d.subject AND ${inDay('p.join_time')}
        WHERE d.connection_id = ${c} AND d.kind = 'e' AND p.user_id IS NULL
      ) GROUP BY kind, subject, day`),
    // Keys with no raw rows left lose their rollup row.
    db.run(sql`DELETE FROM usage_daily WHERE connection_id = ${c}
      AND ${keys} IN (SELECT kind, subject, day FROM usage_dirty WHERE connection_id = ${c})
      AND ${keys} NOT IN (SELECT kind, subject, day FROM usage_recomputed WHERE connection_id = ${c})`),
    countChangesStatement(db, c),
    db.run(sql`INSERT INTO usage_daily (${COLUMNS})
      SELECT ${COLUMNS} FROM usage_recomputed WHERE connection_id = ${c}
      ON CONFLICT (connection_id, kind, subject, day) DO UPDATE SET ${sql.raw(
        VALUE_COLUMNS.map((k) => `${k} = excluded.${k}`).join(', '),
      )} WHERE ${sql.raw(VALUE_COLUMNS.map((k) => `${k} IS NOT excluded.${k}`).join(' OR '))}`),
    countChangesStatement(db, c),
    db.run(sql`DELETE FROM usage_recomputed WHERE connection_id = ${c}`),
    db.run(sql`DELETE FROM usage_dirty WHERE connection_id = ${c}`),
  ];
}

const VALUE_COLUMNS = [
  'meetings_hosted',
  'hosted_minutes',
  'meetings_attended',
  'participant_minutes',
  'pstn_minutes',
  'f_recording',
  'f_content_share',
  'f_video_share',
  'f_pstn',
  'f_large_meeting',
  'f_personal',
  'last_at',
];

/**
 * The data version, per connection. A batch that may change what usage pages show opens a count
 * (`openVersionStatement`), adds the rows each of its statements changed right after it
 * (`countChangesStatement`: SQLite's changes() is the count of the statement just before) and closes
 * with `closeVersionStatement`, which bumps the version only when something changed. All in one
 * batch, so the version moves exactly when the rows it stands for commit.
 */
export function openVersionStatement(db: Db, connectionId: string): Raw {
  return db.run(sql`INSERT OR IGNORE INTO usage_state (connection_id) VALUES (${connectionId})`);
}

export function countChangesStatement(db: Db, connectionId: string): Raw {
  return db.run(
    sql`UPDATE usage_state SET pending = pending + changes() WHERE connection_id = ${connectionId}`,
  );
}

export function closeVersionStatement(db: Db, connectionId: string): Raw {
  return db.run(sql`UPDATE usage_state SET data_version = data_version + (pending > 0), pending = 0
    WHERE connection_id = ${connectionId}`);
}

/** A new data version for every connection of an organization (a setting that changes the pages). */
export function bumpOrgVersionStatements(db: Db, orgId: string): Raw[] {
  return [
    db.run(
      sql`INSERT OR IGNORE INTO usage_state (connection_id) SELECT id FROM connections WHERE org_id = ${orgId}`,
    ),
    db.run(sql`UPDATE usage_state SET data_version = data_version + 1
      WHERE connection_id IN (SELECT id FROM connections WHERE org_id = ${orgId})`),
  ];
}

/**
 * Erases what the usage pages derived from a connection's synced rows (rollups, per-user summary, work
 * tables) and moves its version: for Disconnect with "delete", beside the deletion of the raw rows.
 */
export function eraseUsageStatements(db: Db, connectionId: string): Raw[] {
  return [
    ...['usage_daily', 'usage_dirty', 'usage_recomputed', 'usage_period'].map((t) =>
      db.run(sql`DELETE FROM ${sql.raw(t)} WHERE connection_id = ${connectionId}`),
    ),
    ...bumpVersionStatements(db, connectionId),
  ];
}

/** A new data version for one connection (a write outside the sync that changes what the pages show). */
export function bumpVersionStatements(db: Db, connectionId: string): Raw[] {
  return [
    openVersionStatement(db, connectionId),
    db.run(sql`UPDATE usage_state SET data_version = data_version + 1 WHERE connection_id = ${connectionId}`),
  ];
}

/**
 * The rollup rows a from-scratch computation over every raw row gives, for one connection (the
 * migration's backfill is this query over all connections). Ordered by key.
 */
export function rollupFromScratch(db: Db, connectionId: string) {
  const c = connectionId;
  return db.all<RollupRow>(sql`SELECT connection_id, kind, subject, day, ${SUMS} FROM (
        SELECT m.connection_id, 'e' AS kind, m.host_email AS subject, m.start_time / ${DAY} AS day,
          ${MEETING_VALUES}
        FROM bj_meetings m WHERE m.connection_id = ${c} AND m.host_email IS NOT NULL
        UNION ALL
        SELECT h.connection_id, CASE WHEN h.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END,
          coalesce(h.leader_user_id, h.leader_email), h.start_time / ${DAY}, ${HISTORY_VALUES}
        FROM bj_meeting_history h
        WHERE h.connection_id = ${c} AND coalesce(h.leader_user_id, h.leader_email) IS NOT NULL
        UNION ALL
        SELECT p.connection_id, CASE WHEN p.user_id IS NOT NULL THEN 'u' ELSE 'e' END,
          coalesce(p.user_id, p.email), p.join_time / ${DAY}, ${PARTICIPANT_VALUES}
        FROM bj_participants p
        WHERE p.connection_id = ${c} AND p.join_time IS NOT NULL AND coalesce(p.user_id, p.email) IS NOT NULL
    ) GROUP BY connection_id, kind, subject, day ORDER BY kind, subject, day`);
}

/** The stored rollup of one connection, in the same shape and order as `rollupFromScratch`. */
export function storedRollup(db: Db, connectionId: string) {
  return db.all<RollupRow>(
    sql`SELECT ${COLUMNS} FROM usage_daily WHERE connection_id = ${connectionId} ORDER BY kind, subject, day`,
  );
}

export interface RollupRow {
  connection_id: string;
  kind: 'u' | 'e';
  subject: string;
  day: number;
  meetings_hosted: number;
  hosted_minutes: number;
  meetings_attended: number;
  participant_minutes: number;
  pstn_minutes: number;
  f_recording: number;
  f_content_share: number;
  f_video_share: number;
  f_pstn: number;
  f_large_meeting: number;
  f_personal: number;
  last_at: number | null;
}

/** One licensed user's totals over a span of UTC days, summed from the rollup (both of their subjects). */
export interface UserPeriodTotals {
  userId: string;
  meetingsHosted: number;
  hostedMinutes: number;
  meetingsAttended: number;
  participantMinutes: number;
  pstnMinutes: number;
  features: {
    recording: number;
    content_share: number;
    video_share: number;
    pstn: number;
    large_meeting: number;
    personal: number;
  };
  /** Latest hosted meeting start or join time within the span (null: none). */
  lastAt: number | null;
}

/**
 * Per-user totals over UTC days `fromDay..toDay` (inclusive day numbers, see `dayNumber`) for every
 * licensed user of the connection, or only `userIds`. Users without activity in the span are included
 * with zeros. Reads the rollup only (two primary-key seeks per user), never the raw rows.
 */
export async function userPeriodTotals(
  db: Db,
  connectionId: string,
  span: { fromDay: number; toDay: number },
  userIds?: readonly string[],
): Promise<UserPeriodTotals[]> {
  const only = userIds ? sql`AND u.user_id IN (SELECT value FROM json_each(${json(userIds)}))` : sql``;
  const rows = await db.all<{
    user_id: string;
    mh: number;
    hm: number;
    ma: number;
    pm: number;
    psm: number;
    fr: number;
    fc: number;
    fv: number;
    fp: number;
    fl: number;
    fpe: number;
    last_at: number | null;
  }>(sql`SELECT u.user_id,
      coalesce(sum(r.meetings_hosted), 0) AS mh, coalesce(sum(r.hosted_minutes), 0) AS hm,
      coalesce(sum(r.meetings_attended), 0) AS ma, coalesce(sum(r.participant_minutes), 0) AS pm,
      coalesce(sum(r.pstn_minutes), 0) AS psm, coalesce(sum(r.f_recording), 0) AS fr,
      coalesce(sum(r.f_content_share), 0) AS fc, coalesce(sum(r.f_video_share), 0) AS fv,
      coalesce(sum(r.f_pstn), 0) AS fp, coalesce(sum(r.f_large_meeting), 0) AS fl,
      coalesce(sum(r.f_personal), 0) AS fpe, max(r.last_at) AS last_at
    FROM bj_users u
    LEFT JOIN usage_daily r ON r.connection_id = u.connection_id AND r.day BETWEEN ${span.fromDay} AND ${span.toDay}
      AND ((r.kind = 'u' AND r.subject = u.user_id) OR (r.kind = 'e' AND r.subject = lower(u.email)))
    WHERE u.connection_id = ${connectionId} ${only}
    GROUP BY u.user_id ORDER BY u.user_id`);
  return rows.map((r) => ({
    userId: r.user_id,
    meetingsHosted: Number(r.mh),
    hostedMinutes: Number(r.hm),
    meetingsAttended: Number(r.ma),
    participantMinutes: Number(r.pm),
    pstnMinutes: Number(r.psm),
    features: {
      recording: Number(r.fr),
      content_share: Number(r.fc),
      video_share: Number(r.fv),
      pstn: Number(r.fp),
      large_meeting: Number(r.fl),
      personal: Number(r.fpe),
    },
    lastAt: r.last_at,
  }));
}
