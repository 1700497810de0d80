/**
 * Rollup upkeep and reads. `usage_daily` holds, per connection, subject and UTC day, what the raw
 * meeting, history and participant rows of that day add up to (see the table's comment in schema.ts).
 *
 * SQLite keeps it, in triggers on the three raw tables (migration 0012_rollup_triggers, names in
 * `ROLLUP_TRIGGERS`): a raw row that arrives adds its share to its key; one that changes what it
 * contributes takes its old share from its old key and adds its new share to its new key; one that goes
 * takes its share away. The sums are linear, so this is exactly what recomputing the key from its raw
 * rows gives, which `rollupFromScratch` states in one query (property tests compare the two). `last_at`
 * is a max: it is looked up again by index only when the row that held it moved on. `source_rows`
 * counts the raw rows behind a key, and the key's row goes when it reaches 0. Each trigger spells its
 * arithmetic out: routing every share through one view's INSTEAD OF trigger kept it in one place but
 * cost 2.4 µs more per raw row (17.0 against 14.6 µs of CPU per participant row, docs/BENCHMARKS.md).
 *
 * Because the triggers run inside the statement that writes the raw rows, the rollup commits or rolls
 * back with them in the page's batch: replays (which change no contributing column and fire nothing),
 * look-back overlaps, late arrivals, redelivered messages and resumed slices all leave the rollup a
 * from-scratch sync would. A firing that changed a rollup row adds 1 to `usage_state.pending`, so the
 * data version moves only when a rollup really changed.
 */
import { sql } from 'drizzle-orm';
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

/** The triggers that keep `usage_daily` (migration 0012_rollup_triggers), three per raw table. */
export const ROLLUP_TRIGGERS = ['meetings', 'history', 'participants'].flatMap((table) =>
  ['insert', 'update', 'delete'].map((event) => `usage_${table}_${event}`),
);

const COLUMNS =
  sql.raw(`connection_id, kind, subject, day, source_rows, meetings_hosted, hosted_minutes, meetings_attended,
  participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting,
  f_personal, last_at`);

const SUMS = sql.raw(`count(*) AS source_rows, sum(mh) AS meetings_hosted, sum(hm) AS hosted_minutes,
  sum(ma) AS meetings_attended, sum(pm) AS participant_minutes, sum(psm) AS pstn_minutes,
  sum(fr) AS f_recording, sum(fc) AS f_content_share, sum(fv) AS f_video_share, sum(fp) AS f_pstn,
  sum(fl) AS f_large_meeting, sum(fpe) AS f_personal, max(last_at) AS last_at`);

/** Per-source values, in the order of SUMS (hosted meeting, led history, joined meeting). */
const MEETING_VALUES = sql.raw(`1 AS mh, 0 AS hm, 0 AS ma, 0 AS pm, 0 AS psm,
  (m.recording OR m.live_recording) AS fr, m.content_share AS fc, m.video_share AS fv, m.pstn AS fp,
  m.large_meeting AS fl, m.personal AS fpe, m.start_time AS last_at`);
const HISTORY_VALUES = sql.raw(`0, h.duration_minutes, 0, 0,
  h.dialout_minutes + h.toll_free_minutes + h.did_minutes, 0, 0, 0, 0, 0, 0, NULL`);
const PARTICIPANT_VALUES = sql.raw('0, 0, 1, p.minutes, 0, 0, 0, 0, 0, 0, 0, p.join_time');

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
 * Erases what the usage pages derived from a connection's synced rows (rollups, per-user summary) and
 * moves its version: for Disconnect with "delete", before the deletion of the raw rows (whose delete
 * triggers then find no rollup row to take their share from, instead of recomputing each key's max).
 */
export function eraseUsageStatements(db: Db, connectionId: string): Raw[] {
  return [
    ...['usage_daily', 'usage_period'].map((t) =>
      db.run(sql`DELETE FROM ${sql.raw(t)} WHERE connection_id = ${connectionId}`),
    ),
    ...bumpVersionStatements(db, connectionId),
  ];
}

/** A new data version for one connection (a write outside the sync that changes what the pages show). */
export function bumpVersionStatements(db: Db, connectionId: string): Raw[] {
  return [
    openVersionStatement(db, connectionId),
    // Nothing is left pending: raw rows written outside a sync's batch (fixtures) counted towards it.
    db.run(sql`UPDATE usage_state SET data_version = data_version + 1, pending = 0
      WHERE connection_id = ${connectionId}`),
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
  source_rows: number;
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
