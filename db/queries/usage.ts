/**
 * Usage queries: one row per licensed BlueJeans user with their activity in the
 * period, read from `usage_period` (built from the sync's rollups), in one SQL
 * statement per page, never a query per user and never over raw meeting rows.
 * Times are epoch ms; the period is whole UTC days, and activity counts when strictly after `from`
 * (the last millisecond before the period's first day).
 */
import { eq, type SQL, sql } from 'drizzle-orm';
import type { Recommendation } from '../../src/licences/recommend';
import type { Feature, SeatStatus } from '../../src/usage/activity';
import type { Db } from '../client';
import { bjDailyUsage, bjUsers, organizations } from '../schema';
import { bumpOrgVersionStatements } from './rollups';

export const USAGE_SORTS = [
  'name',
  'email',
  'status',
  'recommendation',
  'last_active',
  'meetings',
  'attended',
  'minutes',
  'features',
] as const;
export type UsageSort = (typeof USAGE_SORTS)[number];
export type SortDir = 'asc' | 'desc';

export interface UsageFilter {
  connectionId: string;
  /** Start of the period (exclusive); also the activity cutoff for "active". */
  from: number;
  q?: string;
  status?: SeatStatus | 'all';
  feature?: Feature;
  recommendation?: Recommendation;
  /** How recommendations are decided; defaults (no exemptions, 30 grace days) when absent. */
  rec?: RecommendationSqlContext;
}

/** The inputs of `recommend()` (src/licences/recommend.ts) that the SQL needs. */
export interface RecommendationSqlContext {
  /** Users who joined after this moment are `new`. */
  graceFrom: number;
  exempt: readonly string[];
  connectingUsername: string | null;
}

export interface UsageListOptions extends UsageFilter {
  sort: UsageSort;
  dir: SortDir;
  limit: number;
  offset: number;
}

export type FeatureCounts = Record<Feature, number>;

/** One licence row as the usage table and CSV need it. */
export interface UsageRow {
  userId: string;
  username: string;
  name: string;
  email: string | null;
  isAdmin: boolean;
  joinedAt: number | null;
  removedAt: number | null;
  lastActiveAt: number | null;
  status: SeatStatus;
  meetingsHosted: number;
  meetingsAttended: number;
  minutes: number;
  features: FeatureCounts;
  recommendation: Recommendation | null;
  reclaimedAt: number | null;
  reclaimedBy: string | null;
}

export interface UsageSummary {
  total: number;
  licensed: number;
  active: number;
  inactive: number;
  never: number;
  removed: number;
  /** Active users who used each feature at least once in the period. */
  activeUsing: FeatureCounts;
  /** Licensed users per recommendation. */
  recommendations: Record<Recommendation, number>;
}

export interface DailyUsagePoint {
  day: string;
  activeUsers: number | null;
  meetings: number | null;
}

/** Feature -> column of the `usage` CTE (a closed set, so `sql.raw` never sees input). */
const FEATURE_COLUMN: Record<Feature, string> = {
  recording: 'f_recording',
  content_share: 'f_content_share',
  video_share: 'f_video_share',
  pstn: 'f_pstn',
  large_meeting: 'f_large_meeting',
  personal: 'f_personal',
};

const SORT_EXPR: Record<UsageSort, string> = {
  name: 'name COLLATE NOCASE',
  email: 'email COLLATE NOCASE',
  // Ascending puts the seats that need attention first.
  status: "CASE status WHEN 'never' THEN 0 WHEN 'inactive' THEN 1 WHEN 'active' THEN 2 ELSE 3 END",
  recommendation:
    "CASE recommendation WHEN 'reclaim' THEN 0 WHEN 'attendee_only' THEN 1 WHEN 'new' THEN 2 WHEN 'keep' THEN 3 WHEN 'exempt' THEN 4 ELSE 5 END",
  last_active: 'last_active_at',
  meetings: 'meetings_hosted',
  attended: 'meetings_attended',
  minutes: 'minutes',
  // Meetings that used any feature, summed over the features (a rough "how much of the licence is used").
  features: '(f_recording + f_content_share + f_video_share + f_pstn + f_large_meeting + f_personal)',
};

/**
 * The per-user rows as CTEs. Figures come from `usage_period` (each user's totals over the period,
 * built from the rollup by `ensurePeriod` in db/queries/rollups.ts, which the caller runs for this
 * period first): one primary-key join per user, no aggregation of raw meeting or participant rows.
 * Last activity is the newest of the synced `last_active_at` (covers history older than the period)
 * and the period's rollup, so the page is right before the sync denormalizes it.
 */
function usageCte(connectionId: string, from: number): SQL {
  const u = bjUsers;
  return sql`WITH base AS (
    SELECT ${u.userId} AS user_id, ${u.username} AS username,
      coalesce(nullif(trim(coalesce(${u.firstName}, '') || ' ' || coalesce(${u.lastName}, '')), ''), ${u.username}) AS name,
      ${u.email} AS email, ${u.isEnterpriseAdmin} AS is_admin,
      ${u.reclaimedAt} AS reclaimed_at, ${u.reclaimedBy} AS reclaimed_by,
      coalesce(${u.enterpriseJoinDate}, ${u.firstSeenAt}) AS joined_at, ${u.removedAt} AS removed_at,
      coalesce(p.meetings_hosted, 0) AS meetings_hosted,
      coalesce(p.meetings_attended, 0) AS meetings_attended,
      coalesce(p.participant_minutes, 0) AS minutes,
      nullif(max(coalesce(${u.lastActiveAt}, 0), coalesce(p.last_at, 0)), 0) AS last_active_at,
      coalesce(p.f_recording, 0) AS f_recording, coalesce(p.f_content_share, 0) AS f_content_share,
      coalesce(p.f_video_share, 0) AS f_video_share, coalesce(p.f_pstn, 0) AS f_pstn,
      coalesce(p.f_large_meeting, 0) AS f_large_meeting, coalesce(p.f_personal, 0) AS f_personal
    FROM ${u}
    LEFT JOIN usage_period p ON p.connection_id = ${u.connectionId} AND p.user_id = ${u.userId}
    WHERE ${u.connectionId} = ${connectionId}
  ), usage AS (
    -- Mirrors classifyStatus() in src/usage/activity.ts.
    SELECT *, CASE
      WHEN removed_at IS NOT NULL THEN 'removed'
      WHEN last_active_at IS NULL THEN 'never'
      WHEN last_active_at > ${from} THEN 'active'
      ELSE 'inactive' END AS status
    FROM base
  )`;
}

/**
 * The usage CTEs plus `recd`: every row with its recommendation. Mirrors recommend() in
 * src/licences/recommend.ts (removed -> none; exempt list, admin or connecting account -> exempt;
 * joined within the grace days -> new; hosted -> keep; attended -> attendee_only; else reclaim).
 */
function recommendationCte(
  connectionId: string,
  from: number,
  rec: RecommendationSqlContext | undefined,
): SQL {
  const exempt = rec?.exempt ?? [];
  const emails = JSON.stringify(exempt.filter((e) => !e.startsWith('@')));
  const domains = JSON.stringify(exempt.filter((e) => e.startsWith('@')));
  const graceFrom = rec?.graceFrom ?? from;
  return sql`${usageCte(connectionId, from)}, recd AS (
    SELECT *, CASE
      WHEN removed_at IS NOT NULL THEN NULL
      WHEN lower(email) IN (SELECT value FROM json_each(${emails}))
        OR substr(lower(email), instr(lower(email), '@')) IN (SELECT value FROM json_each(${domains})) THEN 'exempt'
      WHEN is_admin THEN 'exempt'
      WHEN username = ${rec?.connectingUsername ?? null} THEN 'exempt'
      WHEN joined_at > ${graceFrom} THEN 'new'
      WHEN meetings_hosted > 0 THEN 'keep'
      WHEN meetings_attended > 0 THEN 'attendee_only'
      ELSE 'reclaim' END AS recommendation
    FROM usage
  )`;
}

/** `%`, `_` and the escape character itself match literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function whereClause(filter: UsageFilter): SQL {
  const parts: SQL[] = [sql`1 = 1`];
  const q = filter.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    parts.push(
      sql`(name LIKE ${pattern} ESCAPE '\\' OR email LIKE ${pattern} ESCAPE '\\' OR username LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (filter.status && filter.status !== 'all') parts.push(sql`status = ${filter.status}`);
  if (filter.feature) parts.push(sql`${sql.raw(FEATURE_COLUMN[filter.feature])} > 0`);
  if (filter.recommendation) parts.push(sql`recommendation = ${filter.recommendation}`);
  return sql.join(parts, sql` AND `);
}

interface RawUsageRow {
  user_id: string;
  username: string;
  name: string;
  email: string | null;
  is_admin: number;
  joined_at: number | null;
  removed_at: number | null;
  last_active_at: number | null;
  status: SeatStatus;
  meetings_hosted: number;
  meetings_attended: number;
  minutes: number;
  f_recording: number;
  f_content_share: number;
  f_video_share: number;
  f_pstn: number;
  f_large_meeting: number;
  f_personal: number;
  recommendation: Recommendation | null;
  reclaimed_at: number | null;
  reclaimed_by: string | null;
  total: number;
}

function toRow(r: RawUsageRow): UsageRow {
  return {
    userId: r.user_id,
    username: r.username,
    name: r.name,
    email: r.email,
    isAdmin: Boolean(r.is_admin),
    joinedAt: r.joined_at,
    removedAt: r.removed_at,
    lastActiveAt: r.last_active_at,
    status: r.status,
    meetingsHosted: Number(r.meetings_hosted),
    meetingsAttended: Number(r.meetings_attended),
    minutes: Number(r.minutes),
    features: {
      recording: Number(r.f_recording),
      content_share: Number(r.f_content_share),
      video_share: Number(r.f_video_share),
      pstn: Number(r.f_pstn),
      large_meeting: Number(r.f_large_meeting),
      personal: Number(r.f_personal),
    },
    recommendation: r.recommendation ?? null,
    reclaimedAt: r.reclaimed_at ?? null,
    reclaimedBy: r.reclaimed_by ?? null,
  };
}

function orderBy(o: UsageListOptions): SQL {
  const dir = sql.raw(o.dir === 'desc' ? 'DESC' : 'ASC');
  const then = o.sort === 'meetings' ? sql`, meetings_attended ${dir}` : sql``;
  // user_id breaks ties so pages never overlap or skip rows.
  return sql`ORDER BY ${sql.raw(SORT_EXPR[o.sort])} ${dir}${then}, user_id ASC`;
}

/** One page of the filtered, sorted licence rows, with the filtered total (window count, one query). */
export async function listUsage(db: Db, o: UsageListOptions): Promise<{ rows: UsageRow[]; total: number }> {
  const query = sql`${recommendationCte(o.connectionId, o.from, o.rec)}
    SELECT *, count(*) OVER () AS total FROM recd WHERE ${whereClause(o)}
    ${orderBy(o)} LIMIT ${o.limit} OFFSET ${o.offset}`;
  const raw = await db.all<RawUsageRow>(query);
  return { rows: raw.map(toRow), total: raw[0] ? Number(raw[0].total) : 0 };
}

/**
 * Summary columns over every user of the connection (filters ignored), as plain
 * aggregates or, with `over`, as window aggregates riding along a page query.
 */
function summaryColumns(over: boolean): SQL {
  const w = over ? ' OVER ()' : '';
  const cols: [string, string][] = [
    ['s_total', 'count(*)'],
    ['s_licensed', "sum(status <> 'removed')"],
    ['s_active', "sum(status = 'active')"],
    ['s_inactive', "sum(status = 'inactive')"],
    ['s_never', "sum(status = 'never')"],
    ['s_removed', "sum(status = 'removed')"],
    ...Object.values(FEATURE_COLUMN).map((col): [string, string] => [
      `a_${col}`,
      `sum(status = 'active' AND ${col} > 0)`,
    ]),
    ...REC_KEYS.map((r): [string, string] => [`r_${r}`, `sum(recommendation = '${r}')`]),
  ];
  return sql.raw(cols.map(([alias, expr]) => `coalesce(${expr}${w}, 0) AS ${alias}`).join(', '));
}

/** A closed list (never input), so it may be spelled into SQL. */
const REC_KEYS: readonly Recommendation[] = ['reclaim', 'attendee_only', 'keep', 'exempt', 'new'];

function toSummary(r: Record<string, unknown> | undefined): UsageSummary {
  const n = (key: string) => Number(r?.[key] ?? 0);
  const activeUsing = Object.fromEntries(
    Object.entries(FEATURE_COLUMN).map(([feature, col]) => [feature, n(`a_${col}`)]),
  ) as FeatureCounts;
  return {
    total: n('s_total'),
    licensed: n('s_licensed'),
    active: n('s_active'),
    inactive: n('s_inactive'),
    never: n('s_never'),
    removed: n('s_removed'),
    activeUsing,
    recommendations: Object.fromEntries(REC_KEYS.map((k) => [k, n(`r_${k}`)])) as Record<
      Recommendation,
      number
    >,
  };
}

/** Counts per status and feature adoption among active users, over every user (filters ignored). */
export async function usageSummary(
  db: Db,
  connectionId: string,
  from: number,
  rec?: RecommendationSqlContext,
): Promise<UsageSummary> {
  const [r] = await db.all<Record<string, unknown>>(
    sql`${recommendationCte(connectionId, from, rec)} SELECT ${summaryColumns(false)} FROM recd`,
  );
  return toSummary(r);
}

/**
 * A page and the summary from one aggregation (the full page needs both): the summary
 * rides along as window aggregates computed before the filters apply. A page past the
 * end has no row to carry it, so that rare case asks for the summary separately.
 */
export async function listUsageWithSummary(
  db: Db,
  o: UsageListOptions,
): Promise<{ rows: UsageRow[]; total: number; summary: UsageSummary }> {
  const query = sql`${recommendationCte(o.connectionId, o.from, o.rec)}, summed AS (
      SELECT *, ${summaryColumns(true)} FROM recd
    )
    SELECT *, count(*) OVER () AS total FROM summed WHERE ${whereClause(o)}
    ${orderBy(o)} LIMIT ${o.limit} OFFSET ${o.offset}`;
  const raw = await db.all<RawUsageRow & Record<string, unknown>>(query);
  const first = raw[0];
  if (!first) return { rows: [], total: 0, summary: await usageSummary(db, o.connectionId, o.from, o.rec) };
  return { rows: raw.map(toRow), total: Number(first.total), summary: toSummary(first) };
}

/** Daily analytics between two `YYYY-MM-DD` days inclusive (primary-key range). */
export async function dailyUsage(
  db: Db,
  connectionId: string,
  fromDay: string,
  toDay: string,
): Promise<DailyUsagePoint[]> {
  const d = bjDailyUsage;
  return db
    .select({ day: d.day, activeUsers: d.activeUsers, meetings: d.numMeetings })
    .from(d)
    .where(sql`${d.connectionId} = ${connectionId} AND ${d.day} >= ${fromDay} AND ${d.day} <= ${toDay}`)
    .orderBy(d.day);
}

/** The organization's inactivity threshold in days. */
export async function getInactiveAfterDays(db: Db, orgId: string): Promise<number | undefined> {
  const row = await db
    .select({ days: organizations.inactiveAfterDays })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get();
  return row?.days;
}

/** Saves the threshold and, in the same batch, moves the data version (every status may change). */
export async function setInactiveAfterDays(db: Db, orgId: string, days: number): Promise<void> {
  await db.batch([
    db.update(organizations).set({ inactiveAfterDays: days }).where(eq(organizations.id, orgId)),
    ...bumpOrgVersionStatements(db, orgId),
  ]);
}
