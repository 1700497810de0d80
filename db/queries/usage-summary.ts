/**
 * The per-user summary usage pages read: one `usage_period` row per licensed user holding the period's
 * totals (summed from the rollup), the user's columns the table shows, the status and the licence
 * recommendation, plus per-connection counts in `usage_state.summary_counts`. Pages are then index walks
 * over this table (db/queries/usage.ts) and O(page) work; nothing at request time aggregates raw
 * meeting or participant rows, nor classifies every user.
 *
 * The rows are a pure function of (data version, period start, exemptions, connecting user, grace
 * window start). They are rebuilt in one batch when the version (moved by every committed change: sync
 * pages, a threshold change, a reclaim through `bumpVersionStatements`), the period's first day or the
 * settings they depend on moved on, and re-decided only where it changes when the grace window's start
 * passes a join time (`grace_lo`/`grace_hi` bound the starts that decide the same). The status CASE
 * mirrors `classifyStatus` (src/usage/activity.ts) and the recommendation CASE mirrors `recommend`
 * (src/licences/recommend.ts); tests hold each pair together.
 */
import type { InArgs } from '@libsql/client';
import { type SQL, sql } from 'drizzle-orm';
import { FEATURES, type Feature, type SeatStatus } from '../../src/usage/activity';
import { type Db, readRows } from '../client';
import { DAY_MS } from './rollups';

/** What the summary rows are decided on. */
export interface SummaryContext {
  connectionId: string;
  /** The period's start (exclusive): the last millisecond before its first UTC day (`periodStart`). */
  from: number;
  /** Users who joined after this moment are `new` (unless exempt or removed). */
  graceFrom: number;
  exempt: readonly string[];
  connectingUsername: string | null;
  /**
   * Set while a sync writes (usage views only): rows built for an older data version still serve until
   * they are `maxAgeMs` old at `now`, and after that while one rebuild runs in the background (handed to
   * `background`, e.g. a Worker's waitUntil), so a view never waits for a rebuild a sync page made due.
   * The state they are read with says which version and build they are (`version`, `builtAt`, `behind`).
   */
  stale?: { now: number; maxAgeMs: number; background?: (work: Promise<unknown>) => void };
}

/** Users per (status, recommendation, features used): enough for every tile and filtered total. */
export interface CountGroup {
  status: SeatStatus;
  rec: string | null;
  /** Bit i set when the user used FEATURES[i] in the period. */
  mask: number;
  users: number;
}

export interface SummaryState {
  /** The data version the rows were built at (part of every ETag). */
  version: number;
  /** Moves whenever the grace rule re-decided some users without a version change (part of ETags). */
  graceLo: number | null;
  /** When the rows were built (null: before this was recorded). */
  builtAt: number | null;
  /** The data moved on since the rows were built (served while a sync writes, see `SummaryContext.stale`). */
  behind: boolean;
  /** Shared between the requests reading one build (frozen): read, never change. */
  counts: readonly CountGroup[];
}

/** Feature -> its bit in `CountGroup.mask` (FEATURES order, as `usage_period.mask` stores it). */
export const FEATURE_BIT: Record<Feature, number> = Object.fromEntries(
  FEATURES.map((f, i) => [f, 1 << i]),
) as Record<Feature, number>;

const SUM_ALIAS: Record<Feature, string> = {
  recording: 'fr',
  content_share: 'fc',
  video_share: 'fv',
  pstn: 'fp',
  large_meeting: 'fl',
  personal: 'fpe',
};

/** Recommendations the grace rule may turn into `new` (the ones decided after it in `recommend`). */
const GRACEABLE = sql.raw(`('keep', 'attendee_only', 'reclaim')`);

/** The feature bits from the summed columns of the build's SELECT. */
const MASK = sql.raw(FEATURES.map((f, i) => `((${SUM_ALIAS[f]} > 0) << ${i})`).join(' | '));

/** A `usage_state` row as the summary reads it. */
export interface StateRow {
  v: number;
  pv: number | null;
  key: string | null;
  gf: number | null;
  lo: number | null;
  hi: number | null;
  counts: string | null;
  /** summary_built_at */
  at?: number | null;
}

function keyOf(ctx: SummaryContext): string {
  return JSON.stringify([ctx.from, ctx.exempt, ctx.connectingUsername]);
}

function firstDay(from: number): number {
  return Math.floor(from / DAY_MS) + 1;
}

const inWindow = (s: StateRow, graceFrom: number) =>
  (s.lo == null || s.lo <= graceFrom) && (s.hi == null || graceFrom < s.hi);

/** The grace bounds and counts of the built rows, decided at `graceFrom` (SQL assignments). */
function stateAssignments(c: string, graceFrom: number): SQL {
  return sql`grace_from = ${graceFrom},
    grace_lo = (SELECT max(joined_at) FROM usage_period WHERE connection_id = ${c}
      AND rec_base IN ${GRACEABLE} AND joined_at <= ${graceFrom}),
    grace_hi = (SELECT min(joined_at) FROM usage_period WHERE connection_id = ${c}
      AND rec_base IN ${GRACEABLE} AND joined_at > ${graceFrom}),
    summary_counts = (SELECT json_group_array(json_array(status, rec, mask, n)) FROM (
      SELECT status, rec, mask, count(*) AS n FROM usage_period WHERE connection_id = ${c}
      GROUP BY 1, 2, 3))`;
}

/** Every user's row from the rollup and bj_users, in one INSERT … SELECT (after deleting the old ones). */
function rebuildStatements(db: Db, ctx: SummaryContext, builtAt: number) {
  const c = ctx.connectionId;
  const fromDay = firstDay(ctx.from);
  const emails = JSON.stringify(ctx.exempt.filter((e) => !e.startsWith('@')));
  const domains = JSON.stringify(ctx.exempt.filter((e) => e.startsWith('@')));
  // A licensed user's figures are the sum of their two rollup subjects: user id and lower-cased e-mail.
  const branch = (kind: 'u' | 'e', subject: string) =>
    sql`SELECT u.user_id, r.meetings_hosted AS mh, r.meetings_attended AS ma, r.participant_minutes AS pm,
        r.f_recording AS fr, r.f_content_share AS fc, r.f_video_share AS fv, r.f_pstn AS fp,
        r.f_large_meeting AS fl, r.f_personal AS fpe, r.last_at
      FROM bj_users u JOIN usage_daily r ON r.connection_id = u.connection_id AND r.kind = ${kind}
        AND r.subject = ${sql.raw(subject)} AND r.day >= ${fromDay}
      WHERE u.connection_id = ${c}`;
  return [
    db.run(sql`DELETE FROM usage_period WHERE connection_id = ${c}`),
    db.run(sql`INSERT INTO usage_period (connection_id, user_id, meetings_hosted, meetings_attended,
        participant_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting, f_personal,
        last_at, username, name, email, is_admin, joined_at, removed_at, reclaimed_at, reclaimed_by,
        last_active_at, status, rec_base, rec, search, mask)
      SELECT ${c}, user_id, mh, ma, pm, fr, fc, fv, fp, fl, fpe, last_at, username, name, email, is_admin,
        joined_at, removed_at, reclaimed_at, reclaimed_by, last_active_at, status, rec_base,
        CASE WHEN rec_base IN ${GRACEABLE} AND joined_at > ${ctx.graceFrom} THEN 'new' ELSE rec_base END,
        lower(name || char(10) || coalesce(email, '') || char(10) || username), ${MASK}
      FROM (
        SELECT b.*,
          -- Mirrors classifyStatus() in src/usage/activity.ts.
          CASE WHEN removed_at IS NOT NULL THEN 'removed'
            WHEN last_active_at IS NULL THEN 'never'
            WHEN last_active_at > ${ctx.from} THEN 'active'
            ELSE 'inactive' END AS status,
          -- Mirrors recommend() in src/licences/recommend.ts, but for the grace rule (applied above).
          CASE WHEN removed_at IS NOT NULL THEN NULL
            WHEN lower(email) IN (SELECT value FROM json_each(${emails}))
              OR substr(lower(email), instr(lower(email), '@')) IN (SELECT value FROM json_each(${domains}))
              THEN 'exempt'
            WHEN is_admin THEN 'exempt'
            WHEN username = ${ctx.connectingUsername} THEN 'exempt'
            WHEN mh > 0 THEN 'keep'
            WHEN ma > 0 THEN 'attendee_only'
            ELSE 'reclaim' END AS rec_base
        FROM (
          SELECT u.user_id, u.username,
            coalesce(nullif(trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')), ''), u.username) AS name,
            u.email, u.is_enterprise_admin AS is_admin, u.reclaimed_at, u.reclaimed_by,
            coalesce(u.enterprise_join_date, u.first_seen_at) AS joined_at, u.removed_at,
            coalesce(s.mh, 0) AS mh, coalesce(s.ma, 0) AS ma, coalesce(s.pm, 0) AS pm,
            coalesce(s.fr, 0) AS fr, coalesce(s.fc, 0) AS fc, coalesce(s.fv, 0) AS fv, coalesce(s.fp, 0) AS fp,
            coalesce(s.fl, 0) AS fl, coalesce(s.fpe, 0) AS fpe, s.last_at,
            nullif(max(coalesce(u.last_active_at, 0), coalesce(s.last_at, 0)), 0) AS last_active_at
          FROM bj_users u LEFT JOIN (
            SELECT user_id, sum(mh) AS mh, sum(ma) AS ma, sum(pm) AS pm, sum(fr) AS fr, sum(fc) AS fc,
              sum(fv) AS fv, sum(fp) AS fp, sum(fl) AS fl, sum(fpe) AS fpe, max(last_at) AS last_at
            FROM (${branch('u', 'u.user_id')} UNION ALL ${branch('e', 'lower(u.email)')})
            GROUP BY user_id
          ) s ON s.user_id = u.user_id
          WHERE u.connection_id = ${c}
        ) b
      )`),
    // The version is read inside the same transaction: a sync committing meanwhile leaves a mismatch,
    // so the next request rebuilds again rather than trusting rows older than their version.
    db.run(sql`UPDATE usage_state SET period_version = data_version, summary_key = ${keyOf(ctx)},
        summary_built_at = ${builtAt}, ${stateAssignments(c, ctx.graceFrom)}
      WHERE connection_id = ${c}`),
  ];
}

/**
 * Re-decides the grace rule for the users whose join time lies between the old and the new window start
 * (an index range), when nothing else changed. Guarded by the state it was planned on, so a rebuild
 * committed meanwhile is never overwritten with a stale decision.
 */
function regraceStatements(db: Db, ctx: SummaryContext, s: StateRow) {
  const c = ctx.connectionId;
  const old = s.gf ?? ctx.graceFrom;
  const guard = sql`EXISTS (SELECT 1 FROM usage_state WHERE connection_id = ${c} AND grace_from IS ${s.gf}
    AND period_version IS ${s.pv} AND summary_key IS ${s.key})`;
  return [
    db.run(sql`UPDATE usage_period
      SET rec = CASE WHEN joined_at > ${ctx.graceFrom} THEN 'new' ELSE rec_base END
      WHERE connection_id = ${c} AND rec_base IN ${GRACEABLE}
        AND joined_at > ${Math.min(old, ctx.graceFrom)} AND joined_at <= ${Math.max(old, ctx.graceFrom)}
        AND ${guard}`),
    db.run(sql`UPDATE usage_state SET ${stateAssignments(c, ctx.graceFrom)}
      WHERE connection_id = ${c} AND ${guard}`),
  ];
}

/**
 * Counts parsed per stored text: every request reads the same `summary_counts` until the next build, so
 * it is parsed once, not per request. Keyed by the text itself (never by connection or version), so
 * a text always gives what parsing it gives; the arrays are frozen, since every reader shares them.
 */
const parsedCounts = new Map<string, readonly CountGroup[]>();
const KEPT_COUNTS = 100;

function countsOf(text: string | null): readonly CountGroup[] {
  const key = text ?? '[]';
  const kept = parsedCounts.get(key);
  if (kept) return kept;
  let counts: readonly CountGroup[];
  try {
    const raw = JSON.parse(key) as [SeatStatus, string | null, number, number][];
    counts = Object.freeze(
      raw.map(([status, rec, mask, users]) => Object.freeze({ status, rec, mask, users })),
    );
  } catch {
    counts = Object.freeze([]);
  }
  if (parsedCounts.size >= KEPT_COUNTS) parsedCounts.clear();
  parsedCounts.set(key, counts);
  return counts;
}

function toState(s: StateRow): SummaryState {
  // Parsed on first use only: a revalidation (304) needs the version, never the counts.
  let counts: readonly CountGroup[] | undefined;
  return {
    version: Number(s.pv ?? s.v),
    graceLo: s.lo ?? null,
    builtAt: s.at == null ? null : Number(s.at),
    behind: s.pv != null && Number(s.pv) !== Number(s.v),
    get counts() {
      counts ??= countsOf(s.counts);
      return counts;
    },
  };
}

/** The state row of readSummary's statement, read by position: its eight columns, then the extras. */
function stateRowOf(r: ArrayLike<unknown>, extras: number): StateRow & { extras: unknown[] } {
  const num = (v: unknown) => (v == null ? null : (v as number));
  const text = (v: unknown) => (v == null ? null : String(v));
  const values: unknown[] = [];
  for (let i = 0; i < extras; i++) values.push(r[8 + i]);
  return {
    v: r[0] as number,
    pv: num(r[1]),
    key: text(r[2]),
    gf: num(r[3]),
    lo: num(r[4]),
    hi: num(r[5]),
    counts: text(r[6]),
    at: num(r[7]),
    extras: values,
  };
}

/** Rebuilds in flight per connection and key, so concurrent first views share one rebuild. */
const inFlight = new Map<string, Promise<void>>();

/**
 * Reads `extras` (scalar SQL subqueries, e.g. a page of rows as one JSON array) over summary rows that
 * fit `ctx` at the current data version, with the state they were read at. The state and the extras are
 * ONE statement, so they are one snapshot (one round trip on any client): they never see rows of
 * another build. When the rows do not fit (the first request after a change), they are rebuilt in one
 * batch (or the grace rule re-decided for the few users it changes) and the statement runs again.
 */
export async function readSummary<K extends string>(
  db: Db,
  ctx: SummaryContext,
  extras: Readonly<Record<K, SQL>>,
): Promise<{ state: SummaryState; stamp: string; values: Record<K, unknown> }> {
  const c = ctx.connectionId;
  const key = keyOf(ctx);
  const names = Object.keys(extras) as K[];
  const columns = names.map((n, i) => sql`, (${extras[n]}) AS ${sql.raw(`x${i}`)}`);
  for (let attempt = 0; ; attempt++) {
    const query = db
      .all(sql`SELECT data_version AS v, period_version AS pv,
        summary_key AS key, grace_from AS gf, grace_lo AS lo, grace_hi AS hi, summary_counts AS counts,
        summary_built_at AS at ${sql.join(columns, sql``)}
      FROM usage_state WHERE connection_id = ${c}`)
      .getQuery();
    // By position (stateRowOf): the hot read of every usage request builds no row objects.
    const row = (await readRows(db.$client, query.sql, query.params as InArgs, { firstOnly: true }))[0];
    const s = row && stateRowOf(row, names.length);
    if (!s) {
      await db.run(sql`INSERT OR IGNORE INTO usage_state (connection_id) VALUES (${c})`);
      continue;
    }
    const fits = s.key === key && inWindow(s, ctx.graceFrom);
    const done = () => ({
      state: toState(s),
      // Rows are a function of these, so equal stamps mean equal rows (readers compare two reads).
      stamp: JSON.stringify([s.pv, s.key, s.lo, s.hi]),
      values: Object.fromEntries(names.map((n, i) => [n, s.extras[i]])) as Record<K, unknown>,
    });
    if (fits && s.pv === s.v) return done();
    // While a sync writes, the rows last built serve (their version and build time say which they are);
    // once they are maxAgeMs old one rebuild starts in the background and they serve until it lands.
    if (fits && s.pv != null && ctx.stale) {
      const { now, maxAgeMs, background } = ctx.stale;
      if (now - Number(s.at ?? 0) >= maxAgeMs) {
        const work = startRebuild(db, `${c}\n${key}\nv${s.v}`, () => rebuildStatements(db, ctx, now));
        // Nobody waits for it: a failure only means the next view starts another.
        const quiet = work.catch(() => undefined);
        if (background) background(quiet);
      }
      return done();
    }
    // A sync committing between every rebuild and read must not keep a reader waiting: after a few
    // tries the rows just built serve (at most a page behind, and their version says which).
    if (fits && s.pv != null && attempt >= 3) return done();
    if (attempt >= 8) throw new Error(`the usage summary of connection ${c} kept changing; try again`);
    const regrace = s.key === key && s.pv === s.v;
    const flightKey = `${c}\n${key}\n${regrace ? `g${ctx.graceFrom}` : `v${s.v}`}`;
    const builtAt = ctx.stale?.now ?? Date.now();
    await startRebuild(db, flightKey, () =>
      regrace ? regraceStatements(db, ctx, s) : rebuildStatements(db, ctx, builtAt),
    );
  }
}

/** Runs the batch for `flightKey` unless one runs already (then shares it). */
function startRebuild(db: Db, flightKey: string, statements: () => ReturnType<Db['run']>[]): Promise<void> {
  let flight = inFlight.get(flightKey);
  if (!flight) {
    flight = db
      .batch(statements() as [ReturnType<Db['run']>, ...ReturnType<Db['run']>[]])
      .then(() => undefined)
      .finally(() => inFlight.delete(flightKey));
    inFlight.set(flightKey, flight);
  }
  return flight;
}

/**
 * The state of a `usage_state` row read elsewhere (e.g. joined into a request's first query) when the
 * rows fit `ctx`; undefined when they must be (re)built first (`ensureSummary`).
 */
export function fittingState(s: StateRow | undefined, ctx: SummaryContext): SummaryState | undefined {
  if (!s || s.pv == null || s.key !== keyOf(ctx) || !inWindow(s, ctx.graceFrom)) return undefined;
  if (s.pv !== s.v) {
    // Rows of an older version serve only while a sync writes and they are recent (else readSummary
    // decides, starting the rebuild that is due).
    if (!ctx.stale || ctx.stale.now - Number(s.at ?? 0) >= ctx.stale.maxAgeMs) return undefined;
  }
  return toState(s);
}

/** The summary state fitting `ctx` (rebuilt first when it does not fit). */
export async function ensureSummary(db: Db, ctx: SummaryContext): Promise<SummaryState> {
  return (await readSummary(db, ctx, {})).state;
}

/** Users in the groups matching a filter (status, recommendation, a feature used), from the counts. */
export function countUsers(
  counts: readonly CountGroup[],
  filter: { status?: SeatStatus | 'all'; recommendation?: string; feature?: Feature },
): number {
  const bit = filter.feature ? FEATURE_BIT[filter.feature] : 0;
  let n = 0;
  for (const g of counts) {
    if (filter.status && filter.status !== 'all' && g.status !== filter.status) continue;
    if (filter.recommendation && g.rec !== filter.recommendation) continue;
    if (bit && (g.mask & bit) === 0) continue;
    n += g.users;
  }
  return n;
}
