/**
 * Usage queries: one row per licensed BlueJeans user with their activity in the
 * period, read from `usage_period` (built from the sync's rollups), in one SQL
 * statement per page, never a query per user and never over raw meeting rows.
 * Times are epoch ms; the period is whole UTC days, and activity counts when strictly after `from`
 * (the last millisecond before the period's first day).
 */
import { eq, type SQL, sql } from 'drizzle-orm';
import type { Recommendation } from '../../src/licences/recommend';
import { FEATURES, type Feature, type SeatStatus } from '../../src/usage/activity';
import { type Db, readRows } from '../client';
import {
  bjDailyUsage,
  type connections,
  type licenceSettings,
  organizations,
  PERIOD_SORT_KEYS,
} from '../schema';
import { bumpOrgVersionStatements } from './rollups';
import { keptSearchList, loadSearchList, searchMatches } from './usage-search';
import {
  type CountGroup,
  countUsers,
  ensureSummary,
  FEATURE_BIT,
  readSummary,
  type StateRow,
  type SummaryContext,
  type SummaryState,
} from './usage-summary';

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
  /** Usage views while a sync writes: recent rows of an older version serve (SummaryContext.stale). */
  stale?: SummaryContext['stale'];
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

/** `%`, `_` and the escape character itself match literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** The summary rows' context a filter asks for (defaults: no exemptions, grace from the period start). */
function contextOf(filter: UsageFilter): SummaryContext {
  return {
    connectionId: filter.connectionId,
    from: filter.from,
    graceFrom: filter.rec?.graceFrom ?? filter.from,
    exempt: filter.rec?.exempt ?? [],
    connectingUsername: filter.rec?.connectingUsername ?? null,
    ...(filter.stale ? { stale: filter.stale } : {}),
  };
}

/**
 * Search matches the name, e-mail or username containing the text, ASCII case-insensitively (as LIKE
 * did): one `instr` over the stored lower-cased lines. Text with a line break could match across two
 * of them, so it keeps the three LIKEs.
 */
function searchClause(q: string): SQL {
  if (!q.includes('\n')) return sql`instr(search, ${q.replace(/[A-Z]+/g, (m) => m.toLowerCase())}) > 0`;
  const pattern = likePattern(q);
  return sql`(name LIKE ${pattern} ESCAPE '\\' OR email LIKE ${pattern} ESCAPE '\\' OR username LIKE ${pattern} ESCAPE '\\')`;
}

function whereClause(filter: UsageFilter): SQL {
  const parts: SQL[] = [sql`connection_id = ${filter.connectionId}`];
  if (filter.status && filter.status !== 'all') parts.push(sql`status = ${filter.status}`);
  const q = filter.q?.trim();
  if (q) parts.push(searchClause(q));
  // Spelled as the feature indexes' condition (db/schema.ts), so either plan may serve it.
  if (filter.feature) parts.push(sql.raw(`(mask & ${FEATURE_BIT[filter.feature]}) <> 0`));
  if (filter.recommendation) parts.push(sql`rec = ${filter.recommendation}`);
  return sql.join(parts, sql` AND `);
}

/** The index that walks this filter's rows in this sort's order (a closed set of names). */
function sortIndex(o: UsageListOptions): string {
  const status = o.status && o.status !== 'all' ? 'status_' : '';
  return `usage_period_${status}${o.sort}_${o.dir === 'desc' ? 'desc' : 'asc'}`;
}

/**
 * Which index answers a page fastest. Walking the sort's index visits about `(offset + limit) × rows /
 * matches` entries; reading a narrow filter's index (a feature's users, a recommendation's, or the
 * search lines) and sorting its matches visits that index's entries. The figures come from the counts
 * (the state last read for the connection, or the search count just taken); any choice gives the
 * same rows, so an outdated figure only costs time.
 */
function chooseIndex(o: UsageListOptions, counts: readonly CountGroup[] | undefined, found?: number): SQL {
  const walk = sortIndex(o);
  if (!counts) return sql.raw(walk);
  const want = o.offset + o.limit;
  const status = o.status && o.status !== 'all' ? o.status : undefined;
  const within = countUsers(counts, status ? { status } : {});
  const matches =
    found ?? countUsers(counts, { status, recommendation: o.recommendation, feature: o.feature });
  // Costs in index entries visited: the sort's index tests every filter on its entries alone; another
  // index reads each entry's row (or, for search, tests the text first) and sorts the matches.
  const walked = matches === 0 ? within : Math.min(within, (want * within) / matches);
  let best = { name: walk, cost: walked * 0.2 };
  const consider = (name: string, entries: number, perEntry: number) => {
    const cost = entries * perEntry + matches * 1.5;
    if (cost < best.cost) best = { name, cost };
  };
  if (o.feature) {
    consider(`usage_period_f${FEATURES.indexOf(o.feature)}`, countUsers(counts, { feature: o.feature }), 1);
  }
  if (o.recommendation) {
    consider('usage_period_rec', countUsers(counts, { recommendation: o.recommendation }), 0.2);
  }
  // Walking the sort's index for a search reads every visited row (the text is not in it).
  if (o.q?.trim() && found != null) {
    best.cost = walked * 1.2;
    consider('usage_period_search', countUsers(counts, {}), 0.3);
  }
  return sql.raw(best.name);
}

/** Counts last read per connection: only for choosing indexes (see chooseIndex), never for answers. */
const lastCounts = new Map<string, readonly CountGroup[]>();

/** ORDER BY the sort's keys as the indexes spell them (or, with `outer`, as the k0, k1 columns). */
function orderBy(o: UsageListOptions, outer = false): SQL {
  const dir = o.dir === 'desc' ? 'DESC' : 'ASC';
  const keys = PERIOD_SORT_KEYS[o.sort].map((k, i) =>
    outer ? `k${i}${k.includes('NOCASE') ? ' COLLATE NOCASE' : ''} ${dir}` : `${k} ${dir}`,
  );
  // user_id breaks ties so pages never overlap or skip rows.
  return sql.raw(`ORDER BY ${keys.join(', ')}, user_id ASC`);
}

/** The page's columns, in the order `toRow` reads them. */
const ROW_COLUMNS = sql.raw(`user_id, username, name, email, is_admin, joined_at, removed_at, last_active_at,
  status, meetings_hosted, meetings_attended, participant_minutes, f_recording, f_content_share,
  f_video_share, f_pstn, f_large_meeting, f_personal, rec, reclaimed_at, reclaimed_by`);

type RowArray = [
  string,
  string,
  string,
  string | null,
  number,
  number | null,
  number | null,
  number | null,
  SeatStatus,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  Recommendation | null,
  number | null,
  string | null,
];

function toRow(r: RowArray): UsageRow {
  return {
    userId: r[0],
    username: r[1],
    name: r[2],
    email: r[3],
    isAdmin: Boolean(r[4]),
    joinedAt: r[5],
    removedAt: r[6],
    lastActiveAt: r[7],
    status: r[8],
    meetingsHosted: r[9],
    meetingsAttended: r[10],
    minutes: r[11],
    features: {
      recording: r[12],
      content_share: r[13],
      video_share: r[14],
      pstn: r[15],
      large_meeting: r[16],
      personal: r[17],
    },
    recommendation: r[18] ?? null,
    reclaimedAt: r[19] ?? null,
    reclaimedBy: r[20] ?? null,
  };
}

/**
 * The page as ONE JSON value: each row one JSON array (materializing one value per column costs several
 * times more), in the page's order, read through `index` (by default the sort's own, see sortIndex).
 * The arrays are built by the aggregate from the page's columns (building them in the walk and
 * re-parsing each with json() cost about a tenth more).
 */
export function pageSql(o: UsageListOptions, index: SQL = sql.raw(sortIndex(o)), also?: SQL): SQL {
  const keys = PERIOD_SORT_KEYS[o.sort].map((k, i) => `${k} AS k${i}`).join(', ');
  const where = also ? sql`${whereClause(o)} AND ${also}` : whereClause(o);
  return sql`SELECT json_group_array(json_array(${ROW_COLUMNS}) ${orderBy(o, true)}) FROM (
      SELECT ${ROW_COLUMNS}, ${sql.raw(keys)}
      FROM usage_period INDEXED BY ${index}
      WHERE ${where} ${orderBy(o)} LIMIT ${o.limit} OFFSET ${o.offset})`;
}

/**
 * One page of the filtered, sorted licence rows with the filtered total, and the summary state: an
 * index walk of `offset + limit` entries (or of a narrow filter's index, see chooseIndex) returned as
 * ONE JSON value in the same statement as the state, plus a count only when searching (other totals
 * come from the stored counts). The summary rows are brought up to date first (`readSummary`).
 */
async function readPage(
  db: Db,
  o: UsageListOptions,
  extra: Record<string, SQL> = {},
): Promise<{ rows: UsageRow[]; total: number; state: SummaryState; values: Record<string, unknown> }> {
  const ctx = contextOf(o);
  const where = whereClause(o);
  const pageOf = (index: SQL) => pageSql(o, index);
  const rowsOf = (value: unknown) => (JSON.parse(String(value ?? '[]')) as RowArray[]).map(toRow);
  const remember = (state: SummaryState) => {
    if (lastCounts.size > 1000) lastCounts.clear();
    lastCounts.set(o.connectionId, state.counts);
  };
  if (!o.q?.trim()) {
    const hint = lastCounts.get(o.connectionId);
    // Nothing on this page by the last counts: confirm on the current ones before reading rows.
    if (hint && countUsers(hint, o) <= o.offset) {
      const { state, values } = await readSummary(db, ctx, extra);
      remember(state);
      const total = countUsers(state.counts, o);
      if (total <= o.offset) return { rows: [], total, state, values };
    }
    const { state, values } = await readSummary(db, ctx, {
      ...extra,
      page: pageOf(chooseIndex(o, lastCounts.get(o.connectionId))),
    });
    remember(state);
    return { rows: rowsOf(values.page), total: countUsers(state.counts, o), state, values };
  }
  // Searching: the matches and their count from the build's lines in memory (db/queries/usage-search.ts),
  // then the page in one statement, used only when it reports the build the lines came from.
  const text = searchText(o.q);
  if (text !== undefined) {
    let list = keptSearchList(o.connectionId);
    for (let attempt = 0; attempt < 4; attempt++) {
      list ??= await loadSearchList(db, ctx);
      if (!list) break;
      const ids = searchMatches(list, { text, ...o });
      const total = ids.length;
      const extras: Record<string, SQL> = { ...extra };
      if (total > o.offset) extras.page = searchPageSql(o, ids, total, list.ids.length);
      const read = await readSummary(db, ctx, extras);
      remember(read.state);
      if (read.stamp === list.stamp) {
        return { rows: rowsOf(read.values.page), total, state: read.state, values: read.values };
      }
      list = undefined;
    }
  }
  // Text with a line break (or lines that cannot be held): count on the search index, then the page.
  const count = sql`SELECT count(*) FROM usage_period INDEXED BY usage_period_search WHERE ${where}`;
  for (;;) {
    const first = await readSummary(db, ctx, { ...extra, count });
    remember(first.state);
    const total = Number(first.values.count ?? 0);
    if (total <= o.offset) return { rows: [], total, state: first.state, values: first.values };
    const next = await readSummary(db, ctx, {
      ...extra,
      page: pageOf(chooseIndex(o, first.state.counts, total)),
    });
    // The same stamp means the same rows, so the count still holds; else count again.
    if (next.stamp === first.stamp) {
      return { rows: rowsOf(next.values.page), total, state: next.state, values: next.values };
    }
  }
}

/** The search text as the stored lines are compared (ASCII lower case); undefined: search in SQL. */
function searchText(q: string | undefined): string | undefined {
  const t = q?.trim() ?? '';
  if (t.includes('\n')) return undefined;
  return t.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * The page of a search whose `total` matches (`ids`, of `users`) are known: a walk of the sort's index
 * testing the text on each visited row while matches are common, else the matches looked up by key and
 * sorted (the same rows either way).
 */
function searchPageSql(o: UsageListOptions, ids: readonly string[], total: number, users: number): SQL {
  const want = o.offset + o.limit;
  const walked = Math.min(users, (want * users) / Math.max(1, total));
  if (walked * 1.2 <= total * 2.5) return pageSql(o);
  const { q: _text, ...byKey } = o;
  return pageSql(
    byKey,
    sql.raw('sqlite_autoindex_usage_period_1'),
    sql`user_id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  );
}

/** One page of the filtered, sorted licence rows, with the filtered total. */
export async function listUsage(
  db: Db,
  o: UsageListOptions,
): Promise<{ rows: UsageRow[]; total: number; state: SummaryState }> {
  const { rows, total, state } = await readPage(db, o);
  return { rows, total, state };
}

/** A closed list (never input). */
const REC_KEYS: readonly Recommendation[] = ['reclaim', 'attendee_only', 'keep', 'exempt', 'new'];

/** The tiles' figures from the stored counts (filters ignored). */
function toSummary(state: SummaryState): UsageSummary {
  const n = (filter: Parameters<typeof countUsers>[1]) => countUsers(state.counts, filter);
  const total = n({});
  const removed = n({ status: 'removed' });
  return {
    total,
    licensed: total - removed,
    active: n({ status: 'active' }),
    inactive: n({ status: 'inactive' }),
    never: n({ status: 'never' }),
    removed,
    activeUsing: Object.fromEntries(
      FEATURES.map((f) => [f, n({ status: 'active', feature: f })]),
    ) as FeatureCounts,
    recommendations: Object.fromEntries(REC_KEYS.map((r) => [r, n({ recommendation: r })])) as Record<
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
  return toSummary(await ensureSummary(db, contextOf({ connectionId, from, ...(rec ? { rec } : {}) })));
}

/**
 * A page, the summary and, when asked, the daily analytics between two `YYYY-MM-DD` days (the full page
 * needs all three): one statement.
 */
export async function listUsageWithSummary(
  db: Db,
  o: UsageListOptions,
  days?: { from: string; to: string },
): Promise<{
  rows: UsageRow[];
  total: number;
  summary: UsageSummary;
  daily: DailyUsagePoint[];
  state: SummaryState;
}> {
  const { rows, total, state, values } = await readPage(
    db,
    o,
    days ? { daily: dailySql(o.connectionId, days.from, days.to) } : {},
  );
  const daily = (JSON.parse(String(values.daily ?? '[]')) as [string, number | null, number | null][]).map(
    ([day, activeUsers, meetings]) => ({ day, activeUsers, meetings }),
  );
  return { rows, total, summary: toSummary(state), daily, state };
}

/** The daily analytics rows as one JSON array, in day order (primary-key range). */
function dailySql(connectionId: string, fromDay: string, toDay: string): SQL {
  const d = bjDailyUsage;
  return sql`SELECT json_group_array(json_array(${d.day}, ${d.activeUsers}, ${d.numMeetings}) ORDER BY ${d.day})
    FROM ${d} WHERE ${d.connectionId} = ${connectionId} AND ${d.day} >= ${fromDay} AND ${d.day} <= ${toDay}`;
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

/** The connection's fields a usage request needs (never its sealed credentials: only whether it has them). */
export interface UsageConnection {
  id: string;
  state: (typeof connections.$inferSelect)['state'];
  publicConfig: string | null;
  lastSyncedAt: number | null;
  dataAsOf: number | null;
  hasCredentials: boolean;
}

/** The licence settings' fields pages depend on (what `settingsFromRow` reads). */
export type LicenceSettingsFields = Omit<
  typeof licenceSettings.$inferSelect,
  'orgId' | 'updatedAt' | 'updatedBy'
>;

/** What a usage request starts from, read in one statement (see `usageScopeFacts`). */
export interface UsageScopeFacts {
  connection: UsageConnection;
  inactiveAfterDays: number;
  settings: LicenceSettingsFields | null;
  firstRun: number | null;
  firstMeeting: number | null;
  state: StateRow | undefined;
}

/**
 * Every usage request (a 304 included) starts with this statement, so it is one constant SQL text run
 * on the client as it is (no query building, no ORM mapping) and reads only the columns pages depend
 * on. Each table is reached through its key: the connection through `connections_org_vendor` (named,
 * since a planner with statistics gathered at one row would scan), the rest as scalar subqueries on
 * their primary keys (always index lookups), grouped as JSON arrays. test/usage/scope-facts.test.ts
 * holds the plan to index searches with stale statistics and many organizations.
 */
export const SCOPE_FACTS_SQL = `SELECT c.id, c.state, c.public_config, c.last_synced_at, c.data_as_of,
  c.sealed_credentials IS NOT NULL,
  (SELECT inactive_after_days FROM organizations WHERE id = c.org_id),
  (SELECT json_array(plan, seat_price_minor, billing, currency, seats_purchased, renewal_date, grace_days,
    renewal_buffer, exempt, allow_removal) FROM licence_settings WHERE org_id = c.org_id),
  (SELECT min(started_at) FROM sync_runs WHERE connection_id = c.id),
  (SELECT min(start_time) FROM bj_meetings WHERE connection_id = c.id),
  (SELECT json_array(data_version, period_version, summary_key, grace_from, grace_lo, grace_hi,
    summary_built_at) FROM usage_state WHERE connection_id = c.id),
  (SELECT summary_counts FROM usage_state WHERE connection_id = c.id)
FROM connections c INDEXED BY connections_org_vendor
WHERE c.org_id = ? AND c.vendor = ?`;

type SettingsJson = [
  LicenceSettingsFields['plan'],
  number | null,
  LicenceSettingsFields['billing'],
  string,
  number | null,
  string | null,
  number,
  number,
  string,
  number,
];

const num = (v: unknown): number | null => (v == null ? null : Number(v));

/**
 * The organization's connection of a vendor, its threshold, licence settings, the ends of its synced
 * history and its usage state, in ONE statement (every usage request starts here; a 304 needs nothing
 * more). Undefined when the connection (or its organization) does not exist yet.
 */
export async function usageScopeFacts(
  db: Db,
  orgId: string,
  vendor: string,
): Promise<UsageScopeFacts | undefined> {
  const r = (await readRows(db.$client, SCOPE_FACTS_SQL, [orgId, vendor], { firstOnly: true }))[0];
  if (!r || r[6] == null) return undefined;
  const settings = r[7] == null ? null : (JSON.parse(String(r[7])) as SettingsJson);
  const state =
    r[10] == null
      ? undefined
      : (JSON.parse(String(r[10])) as [
          number,
          number | null,
          string | null,
          number | null,
          number | null,
          number | null,
          number | null,
        ]);
  return {
    connection: {
      id: String(r[0]),
      state: r[1] as UsageConnection['state'],
      publicConfig: r[2] == null ? null : String(r[2]),
      lastSyncedAt: num(r[3]),
      dataAsOf: num(r[4]),
      hasCredentials: Boolean(r[5]),
    },
    inactiveAfterDays: Number(r[6]),
    settings: settings && {
      plan: settings[0],
      seatPriceMinor: settings[1],
      billing: settings[2],
      currency: settings[3],
      seatsPurchased: settings[4],
      renewalDate: settings[5],
      graceDays: settings[6],
      renewalBuffer: settings[7],
      exempt: settings[8],
      allowRemoval: Boolean(settings[9]),
    },
    firstRun: num(r[8]),
    firstMeeting: num(r[9]),
    state: state && {
      v: state[0],
      pv: state[1],
      key: state[2],
      gf: state[3],
      lo: state[4],
      hi: state[5],
      at: state[6],
      counts: r[11] == null ? null : String(r[11]),
    },
  };
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
