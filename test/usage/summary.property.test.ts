/**
 * The per-user summary pages read (`usage_period`, db/queries/usage-summary.ts) must always be what a
 * from-scratch computation over the raw rows says: sums over the period, `classifyStatus` and
 * `recommend` in TypeScript. Pages are written through the sync's writers with their data version, in
 * random orders, replayed, and crashed before commit; pages are viewed at random points, the clock and
 * the settings move between views (the grace window passing join times, a new threshold, exemptions).
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { closeVersionStatement, openVersionStatement } from '../../db/queries/rollups';
import { pstnFromHistoryStatement } from '../../db/queries/sync';
import { listUsage, pageSql, USAGE_SORTS, usageSummary } from '../../db/queries/usage';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { HistoryRecord, MeetingRow, UserRow } from '../../src/connectors/bluejeans';
import { graceFrom, type RecommendationContext, recommend } from '../../src/licences/recommend';
import {
  historyStatements,
  markRemovedStatements,
  meetingStatements,
  type Statement,
  userStatements,
} from '../../src/sync/writers';
import { classifyStatus, DAY_MS, FEATURES, periodStart } from '../../src/usage/activity';
import { testDb } from '../helpers/deps';

const T0 = Date.UTC(2026, 0, 15, 12);
const EMAILS = ['ann@example.com', 'bob@example.com', 'cy@example.com', 'dee@example.com'];
const USERS = [
  { userId: 'u-ann', username: 'ann', email: 'Ann@Example.com' },
  { userId: 'u-bob', username: 'bob', email: 'bob@example.com' },
  { userId: 'u-cy', username: 'cy', email: 'cy@example.com' },
  { userId: 'u-dee', username: 'dee', email: null },
];
/** Activity from 40 days before T0 to T0, so 30-day periods cut through it. */
const time = fc.integer({ min: 0, max: 40 * 24 }).map((h) => T0 - 40 * DAY_MS + h * 3_600_000);

const meeting: fc.Arbitrary<MeetingRow> = fc.record({
  meetingUuid: fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5'),
  hostEmail: fc.option(fc.constantFrom(...EMAILS), { nil: null, freq: 6 }),
  startTime: time,
  recording: fc.boolean(),
  contentShare: fc.boolean(),
  videoShare: fc.boolean(),
  largeMeeting: fc.boolean(),
  personal: fc.boolean(),
});

const participant = fc.record({
  participantKey: fc.constantFrom('k1', 'k2', 'k3'),
  userId: fc.option(fc.constantFrom('u-ann', 'u-bob', 'u-dee'), { nil: null }),
  email: fc.option(fc.constantFrom(...EMAILS), { nil: null }),
  minutes: fc.integer({ min: 0, max: 90 }),
  joinTime: fc.option(time, { nil: null, freq: 8 }),
});

const history: fc.Arbitrary<HistoryRecord> = fc
  .record({
    meetingGuid: fc.constantFrom('g1', 'g2', 'g3', 'g4'),
    leaderUserId: fc.option(fc.constantFrom('u-ann', 'u-cy'), { nil: null }),
    leaderEmail: fc.option(fc.constantFrom(...EMAILS), { nil: null }),
    startTime: time,
    durationMinutes: fc.integer({ min: 0, max: 120 }),
    didMinutes: fc.integer({ min: 0, max: 3 }),
    participants: fc.array(participant, { maxLength: 4 }),
  })
  .map(({ participants, ...h }) => ({
    history: h,
    participants: participants.map((p) => ({ ...p, meetingGuid: h.meetingGuid })),
  }));

/** A users page: who is listed, with a join date and admin flag each (a complete listing marks the rest removed). */
const users = fc.record({
  listed: fc.subarray(USERS.map((_, i) => i)),
  joinedDaysAgo: fc.array(fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }), {
    minLength: USERS.length,
    maxLength: USERS.length,
  }),
  admin: fc.array(fc.boolean(), { minLength: USERS.length, maxLength: USERS.length }),
  complete: fc.boolean(),
});

const page = fc.oneof(
  fc.record({ kind: fc.constant('meetings' as const), rows: fc.array(meeting, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('history' as const), rows: fc.array(history, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('users' as const), users }),
  fc.record({ kind: fc.constant('end_of_run' as const) }),
);
type Page = typeof page extends fc.Arbitrary<infer P> ? P : never;

/** What a view is asked at: clock offset (hours after T0), threshold, grace days and exemptions. */
const view = fc.record({
  // Hours move the period's days; a few seconds move only the grace window (join times end in 7,777 ms).
  ms: fc.oneof(
    fc.integer({ min: 0, max: 72 }).map((h) => h * 3_600_000),
    fc.integer({ min: 0, max: 20_000 }),
  ),
  days: fc.constantFrom(30, 60, 90),
  graceDays: fc.integer({ min: 0, max: 45 }),
  exempt: fc.subarray(['bob@example.com', '@example.com']),
  connectingUsername: fc.option(fc.constantFrom('cy', 'dee'), { nil: null }),
});
type View = typeof view extends fc.Arbitrary<infer V> ? V : never;

function pageStatements(db: Db, c: string, p: Page): Statement[] {
  if (p.kind === 'meetings') return meetingStatements(db, c, p.rows, T0);
  if (p.kind === 'history') return historyStatements(db, c, p.rows, T0);
  if (p.kind === 'users') {
    const rows: UserRow[] = p.users.listed.map((i) => {
      const u = USERS[i] as (typeof USERS)[number];
      const ago = p.users.joinedDaysAgo[i];
      return {
        ...u,
        isEnterpriseAdmin: p.users.admin[i] ?? false,
        enterpriseJoinDate: ago == null ? null : T0 - ago * DAY_MS + 7_777,
      };
    });
    return [
      ...userStatements(db, c, rows, T0),
      ...(p.users.complete ? markRemovedStatements(db, c, T0, T0) : []),
    ];
  }
  return [pstnFromHistoryStatement(db, c)];
}

/** The page's batch as the sync commits it: version opened, rows, version closed. */
const committed = (db: Db, c: string, p: Page, crash = false) =>
  db.batch([
    openVersionStatement(db, c),
    ...pageStatements(db, c, p),
    ...(crash ? [db.run(sql`INSERT INTO no_such_table VALUES (1)`)] : []),
    closeVersionStatement(db, c),
  ] as unknown as [Statement, ...Statement[]]);

interface RawUser {
  user_id: string;
  username: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  is_enterprise_admin: number;
  enterprise_join_date: number | null;
  first_seen_at: number;
  removed_at: number | null;
  last_active_at: number | null;
  reclaimed_at: number | null;
  reclaimed_by: string | null;
}

/** Every user's summary row computed from the raw rows alone, in TypeScript. */
async function fromScratch(db: Db, c: string, now: number, v: View) {
  const from = periodStart(now, v.days);
  const firstDay = Math.floor(from / DAY_MS) + 1;
  const inPeriod = (t: number | null) => t != null && Math.floor(t / DAY_MS) >= firstDay;
  const us = await db.all<RawUser>(sql`SELECT * FROM bj_users WHERE connection_id = ${c}`);
  const ms = await db.all<{
    host_email: string | null;
    start_time: number;
    recording: number;
    live_recording: number;
    content_share: number;
    video_share: number;
    pstn: number;
    large_meeting: number;
    personal: number;
  }>(sql`SELECT * FROM bj_meetings WHERE connection_id = ${c}`);
  const ps = await db.all<{
    user_id: string | null;
    email: string | null;
    minutes: number;
    join_time: number | null;
  }>(sql`SELECT * FROM bj_participants WHERE connection_id = ${c}`);
  const ctx: RecommendationContext = {
    now,
    thresholdDays: v.days,
    graceDays: v.graceDays,
    exempt: v.exempt,
    connectingUsername: v.connectingUsername,
    historyFrom: null,
  };
  return us
    .map((u) => {
      const email = u.email?.toLowerCase() ?? null;
      const hosted = ms.filter((m) => email != null && m.host_email === email && inPeriod(m.start_time));
      const joined = ps.filter(
        (p) =>
          inPeriod(p.join_time) &&
          (p.user_id != null ? p.user_id === u.user_id : email != null && p.email === email),
      );
      const flags = [
        hosted.filter((m) => m.recording || m.live_recording).length,
        hosted.filter((m) => m.content_share).length,
        hosted.filter((m) => m.video_share).length,
        hosted.filter((m) => m.pstn).length,
        hosted.filter((m) => m.large_meeting).length,
        hosted.filter((m) => m.personal).length,
      ];
      const lastAt = Math.max(0, ...hosted.map((m) => m.start_time), ...joined.map((p) => p.join_time ?? 0));
      const lastActiveAt = Math.max(u.last_active_at ?? 0, lastAt) || null;
      const name = [u.first_name ?? '', u.last_name ?? ''].join(' ').trim() || u.username;
      const facts = {
        username: u.username,
        email: u.email,
        isAdmin: Boolean(u.is_enterprise_admin),
        joinedAt: u.enterprise_join_date ?? u.first_seen_at,
        removedAt: u.removed_at,
        lastActiveAt,
        meetingsHosted: hosted.length,
        meetingsAttended: joined.length,
      };
      return {
        userId: u.user_id,
        username: u.username,
        name,
        email: u.email,
        isAdmin: facts.isAdmin,
        joinedAt: facts.joinedAt,
        removedAt: u.removed_at,
        lastActiveAt,
        status: classifyStatus(facts, now, v.days),
        meetingsHosted: hosted.length,
        meetingsAttended: joined.length,
        minutes: joined.reduce((n, p) => n + p.minutes, 0),
        features: Object.fromEntries(FEATURES.map((f, i) => [f, flags[i]])),
        recommendation: recommend(facts, ctx),
        reclaimedAt: u.reclaimed_at,
        reclaimedBy: u.reclaimed_by,
      };
    })
    .sort((a, b) => (a.userId < b.userId ? -1 : 1));
}

function optionsAt(c: string, v: View, ms: number) {
  const now = T0 + ms;
  return {
    connectionId: c,
    from: periodStart(now, v.days),
    rec: {
      graceFrom: graceFrom({ now, graceDays: v.graceDays }),
      exempt: v.exempt,
      connectingUsername: v.connectingUsername,
    },
  };
}

async function viewAndCompare(db: Db, c: string, v: View) {
  const now = T0 + v.ms;
  const { from, rec } = optionsAt(c, v, v.ms);
  const expected = await fromScratch(db, c, now, v);
  const { rows, total } = await listUsage(db, {
    connectionId: c,
    from,
    rec,
    sort: 'name',
    dir: 'asc',
    limit: 100,
    offset: 0,
  });
  expect(total).toBe(expected.length);
  expect([...rows].sort((a, b) => (a.userId < b.userId ? -1 : 1))).toEqual(expected);
  // The stored counts behind tiles and totals agree with the rows.
  const summary = await usageSummary(db, c, from, rec);
  expect(summary.total).toBe(expected.length);
  for (const status of ['active', 'inactive', 'never', 'removed'] as const) {
    expect(summary[status]).toBe(expected.filter((r) => r.status === status).length);
  }
  for (const r of ['reclaim', 'attendee_only', 'keep', 'exempt', 'new'] as const) {
    expect(summary.recommendations[r]).toBe(expected.filter((x) => x.recommendation === r).length);
  }
  for (const f of FEATURES) {
    expect(summary.activeUsing[f]).toBe(
      expected.filter((x) => x.status === 'active' && (x.features[f] ?? 0) > 0).length,
    );
  }
}

describe('the per-user usage summary', () => {
  it('equals a from-scratch computation after any page order, replays, crash points and views', async () => {
    const { db } = await testDb();
    await ensureOrganization(db, 'local');
    const { id: c } = await getOrCreateConnection(db, 'local', 'bluejeans');
    const step = fc.record({
      page,
      replay: fc.boolean(),
      crashFirst: fc.boolean(),
      // A view after this step (building the summary at this version), at some clock and settings.
      view: fc.option(view, { nil: null, freq: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), view, async (steps, last) => {
        for (const t of ['usage_daily', 'bj_users', 'bj_meetings', 'bj_meeting_history', 'bj_participants']) {
          await db.run(sql.raw(`DELETE FROM ${t}`));
        }
        // Bypassing the writers above, so the version moves by hand here.
        await db.run(sql`UPDATE usage_state SET data_version = data_version + 1 WHERE connection_id = ${c}`);
        for (const s of steps) {
          if (s.crashFirst) await expect(committed(db, c, s.page, true)).rejects.toThrow();
          await committed(db, c, s.page);
          if (s.replay) await committed(db, c, s.page);
          if (s.view) await viewAndCompare(db, c, s.view);
        }
        await viewAndCompare(db, c, last);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('re-decides only the grace rule as the clock passes join times, with no data change', async () => {
    const { db } = await testDb();
    await ensureOrganization(db, 'local');
    const { id: c } = await getOrCreateConnection(db, 'local', 'bluejeans');
    // Three users joining 10, 20 and 30 days before T0 (plus a little), none active.
    await committed(db, c, {
      kind: 'users',
      users: {
        listed: [0, 1, 2],
        joinedDaysAgo: [10, 20, 30, null],
        admin: [false, false, false, false],
        complete: true,
      },
    });
    const v: View = { ms: 0, days: 30, graceDays: 20, exempt: [], connectingUsername: null };
    // The user who joined 20 days (and 7,777 ms) ago stops being new 7,777 ms after T0, the same day.
    const before = await listUsage(db, {
      ...optionsAt(c, v, 7_000),
      sort: 'name',
      dir: 'asc',
      limit: 10,
      offset: 0,
    });
    for (const ms of [0, 7_000, 7_777, 7_778, 9_000, 3_000, 8_000]) await viewAndCompare(db, c, { ...v, ms });
    const after = await listUsage(db, {
      ...optionsAt(c, v, 8_000),
      sort: 'name',
      dir: 'asc',
      limit: 10,
      offset: 0,
    });
    expect(before.rows.map((r) => r.recommendation)).toEqual(['new', 'new', 'reclaim']);
    expect(after.rows.map((r) => r.recommendation)).toEqual(['new', 'reclaim', 'reclaim']);
    const [state] = await db.all<{ v: number; pv: number }>(
      sql`SELECT data_version AS v, period_version AS pv FROM usage_state WHERE connection_id = ${c}`,
    );
    expect(state?.pv).toBe(state?.v);
  });
});

describe('usage page plans', () => {
  it('every sort, direction and status filter is an index walk in order (no sort step)', async () => {
    const { db } = await testDb();
    for (const sort of USAGE_SORTS) {
      for (const dir of ['asc', 'desc'] as const) {
        for (const status of ['all', 'active', 'removed'] as const) {
          for (const feature of [undefined, 'pstn'] as const) {
            const o = {
              connectionId: 'c',
              from: T0,
              status,
              sort,
              dir,
              limit: 50,
              offset: 100,
              ...(feature ? { feature } : {}),
            };
            const text = db.all(pageSql(o)).getQuery();
            const plan = await db.$client.execute({
              sql: `EXPLAIN QUERY PLAN ${text.sql}`,
              args: text.params as never,
            });
            const details = plan.rows.map((r) => String(r.detail));
            const inner = details.filter((d) => d.includes('usage_period'));
            expect(inner.join(' | '), `${sort} ${dir} ${status}`).toMatch(
              /USING (COVERING )?INDEX usage_period_/,
            );
            // The only sorting allowed is of the 50 page rows for their JSON array, never of the walk.
            expect(
              details.filter((d) => d.includes('TEMP B-TREE') && !d.includes('json_group_array')).length,
              `${sort} ${dir} ${status}`,
            ).toBe(0);
          }
        }
      }
    }
  });
});
