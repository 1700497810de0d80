import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import {
  closeVersionStatement,
  openVersionStatement,
  ROLLUP_TRIGGERS,
  rollupFromScratch,
  storedRollup,
  userPeriodTotals,
} from '../../db/queries/rollups';
import { pstnFromHistoryStatement } from '../../db/queries/sync';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { HistoryRecord, MeetingRow } from '../../src/connectors/bluejeans';
import { historyStatements, meetingStatements, type Statement } from '../../src/sync/writers';
import { testDb } from '../helpers/deps';
import { DAY, syncEnv, T0 } from './support';

/** Few hosts, users, meetings and days, so pages collide on rollup keys all the time. */
const EMAILS = ['ann@example.com', 'bob@example.com', 'cy@example.com'];
const USER_IDS = ['u-ann', 'u-bob', 'u-dee'];
const time = fc.integer({ min: 0, max: 3 * DAY + 5 }).map((t) => T0 - 2 * DAY + t);

const meeting: fc.Arbitrary<MeetingRow> = fc.record({
  meetingUuid: fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5', 'm6'),
  hostEmail: fc.option(fc.constantFrom(...EMAILS), { nil: null, freq: 6 }),
  startTime: time,
  recording: fc.boolean(),
  liveRecording: fc.boolean(),
  contentShare: fc.boolean(),
  videoShare: fc.boolean(),
  largeMeeting: fc.boolean(),
  personal: fc.boolean(),
});

const participant = fc.record({
  participantKey: fc.constantFrom('k1', 'k2', 'k3'),
  userId: fc.option(fc.constantFrom(...USER_IDS), { nil: null }),
  email: fc.option(fc.constantFrom(...EMAILS), { nil: null }),
  minutes: fc.integer({ min: 0, max: 90 }),
  joinTime: fc.option(time, { nil: null, freq: 8 }),
});

const history: fc.Arbitrary<HistoryRecord> = fc
  .record({
    meetingGuid: fc.constantFrom('g1', 'g2', 'g3', 'g4', 'g5'),
    leaderUserId: fc.option(fc.constantFrom(...USER_IDS), { nil: null }),
    leaderEmail: fc.option(fc.constantFrom(...EMAILS), { nil: null }),
    startTime: time,
    durationMinutes: fc.integer({ min: 0, max: 120 }),
    dialoutMinutes: fc.integer({ min: 0, max: 3 }),
    tollFreeMinutes: fc.integer({ min: 0, max: 3 }),
    didMinutes: fc.integer({ min: 0, max: 3 }),
    pstnOnly: fc.boolean(),
    participants: fc.array(participant, { maxLength: 4 }),
  })
  .map(({ participants, ...h }) => ({
    history: h,
    participants: participants.map((p) => ({ ...p, meetingGuid: h.meetingGuid })),
  }));

/**
 * A page as the sync would write it. Ids repeat across pages, so later pages are look-back re-reads and
 * late updates of earlier ones (a host or a start time can change, participants come and go).
 */
const page = fc.oneof(
  fc.record({ kind: fc.constant('meetings' as const), rows: fc.array(meeting, { maxLength: 5 }) }),
  fc.record({ kind: fc.constant('history' as const), rows: fc.array(history, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('end_of_run' as const), rows: fc.constant([]) }),
  // Raw rows going (the sync never deletes one, but the rollup must follow whatever removes them).
  fc.record({
    kind: fc.constant('delete' as const),
    rows: fc.record({
      meetings: fc.subarray(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']),
      histories: fc.subarray(['g1', 'g2', 'g3', 'g4', 'g5']),
      participants: fc.subarray(['k1', 'k2', 'k3']),
    }),
  }),
);

type Page = typeof page extends fc.Arbitrary<infer P> ? P : never;

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', ') || 'NULL');

function statementsOf(db: Db, connectionId: string, p: Page): Statement[] {
  if (p.kind === 'meetings') return meetingStatements(db, connectionId, p.rows, T0);
  if (p.kind === 'history') return historyStatements(db, connectionId, p.rows, T0);
  if (p.kind === 'delete') {
    const { meetings, histories, participants } = p.rows;
    return [
      db.run(sql`DELETE FROM bj_meetings WHERE meeting_uuid IN (${inList(meetings)})`),
      db.run(sql`DELETE FROM bj_participants WHERE participant_key IN (${inList(participants)})
        AND meeting_guid NOT IN (${inList(histories)})`),
      db.run(sql`DELETE FROM bj_participants WHERE meeting_guid IN (${inList(histories)})`),
      db.run(sql`DELETE FROM bj_meeting_history WHERE meeting_guid IN (${inList(histories)})`),
    ];
  }
  // The end of a run flips PSTN flags from history (as in completeRun).
  return [pstnFromHistoryStatement(db, connectionId)];
}

/** The page's batch as the sync commits it (walk.ts): version opened, the page, version closed. */
const committed = (db: Db, connectionId: string, statements: Statement[]) => [
  openVersionStatement(db, connectionId),
  ...statements,
  closeVersionStatement(db, connectionId),
];

const versionOf = async (db: Db, connectionId: string) =>
  (
    await db.all<{ v: number; pending: number }>(
      sql`SELECT data_version AS v, pending FROM usage_state WHERE connection_id = ${connectionId}`,
    )
  )[0];

/** A statement that fails inside the batch: the crash point after every other statement of the page ran. */
const crash = (db: Db) => db.run(sql`INSERT INTO no_such_table VALUES (1)`);

describe('rollups written by the sync', () => {
  it('equal a from-scratch recomputation for any page order, replays, overlaps and crash points', async () => {
    const { db } = await testDb();
    await ensureOrganization(db, 'local');
    const { id: connectionId } = await getOrCreateConnection(db, 'local', 'bluejeans');
    const step = fc.record({
      page,
      // Replays: the same page written again right away (a redelivered queue message).
      replay: fc.boolean(),
      // A crash before the commit: the batch rolls back, and the resumed slice writes the page again.
      crashFirst: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        // The rollup first: the raw tables' delete triggers then find nothing to take shares from.
        for (const t of ['usage_daily', 'bj_meetings', 'bj_meeting_history', 'bj_participants']) {
          await db.run(sql.raw(`DELETE FROM ${t}`));
        }
        for (const s of steps) {
          const batch = (extra: Statement[] = []) =>
            committed(db, connectionId, [...statementsOf(db, connectionId, s.page), ...extra]) as unknown as [
              Statement,
              ...Statement[],
            ];
          if (s.crashFirst) await expect(db.batch(batch([crash(db)]))).rejects.toThrow();
          await db.batch(batch());
          const after = await versionOf(db, connectionId);
          expect(after?.pending).toBe(0);
          expect(await storedRollup(db, connectionId)).toEqual(await rollupFromScratch(db, connectionId));
          if (s.replay) {
            // A replayed page changes no contributing column: no rollup write, the version stays.
            await db.batch(batch());
            expect(await versionOf(db, connectionId)).toEqual(after);
          }
        }
        expect(await storedRollup(db, connectionId)).toEqual(await rollupFromScratch(db, connectionId));
      }),
      { numRuns: 80 },
    );
  });

  it('after full syncs with look-back re-reads and late arrivals, the rollup is the from-scratch one', async () => {
    const env = await syncEnv();
    await env.syncToEnd();
    const first = await storedRollup(env.deps.db, env.connectionId);
    expect(first.length).toBeGreaterThan(20);
    expect(first.some((r) => r.meetings_hosted > 0 && r.kind === 'e')).toBe(true);
    expect(first.some((r) => r.meetings_attended > 0 && r.kind === 'u')).toBe(true);
    expect(first.some((r) => r.f_pstn > 0)).toBe(true);
    expect(first).toEqual(await rollupFromScratch(env.deps.db, env.connectionId));
    // A day later: a second run re-reads the look-back window and adds the new day's meetings.
    env.clock.advance(DAY);
    await env.syncToEnd();
    const second = await storedRollup(env.deps.db, env.connectionId);
    expect(second).toEqual(await rollupFromScratch(env.deps.db, env.connectionId));
    expect(second.length).toBeGreaterThan(first.length);
  });

  it('the migration backfill computes the from-scratch rollup of data synced before it', async () => {
    const env = await syncEnv();
    await env.syncToEnd();
    const db = env.deps.db;
    const expected = await rollupFromScratch(db, env.connectionId);
    // A rollup as 0002-0011 left it: the sums, no count of the raw rows behind each row, one key drifted.
    await db.run(sql`UPDATE usage_daily SET source_rows = 0`);
    await db.run(sql`UPDATE usage_daily SET meetings_hosted = meetings_hosted + 5
      WHERE rowid = (SELECT min(rowid) FROM usage_daily)`);
    const { readFileSync } = await import('node:fs');
    const file = readFileSync(
      new URL('../../db/migrations/0012_rollup_triggers.sql', import.meta.url),
      'utf8',
    );
    const backfill = file
      .split('--> statement-breakpoint')
      .filter((s) => /^\s*(--[^\n]*\n)*\s*(DELETE FROM|INSERT INTO|UPDATE) `usage_(daily|state)`/.test(s));
    expect(backfill).toHaveLength(3);
    const before = await versionOf(db, env.connectionId);
    for (const statement of backfill) await db.$client.execute(statement);
    expect(await storedRollup(db, env.connectionId)).toEqual(expected);
    expect((await versionOf(db, env.connectionId))?.v).toBe((before?.v ?? 0) + 1);
  });

  it('are kept by exactly the named triggers, and a disconnect-style erase leaves nothing pending', async () => {
    const env = await syncEnv({ sim: { users: 10, days: 5 } });
    await env.syncToEnd();
    const db = env.deps.db;
    const triggers = await db.all<{ name: string }>(
      sql`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'usage\_%' ESCAPE '\\' ORDER BY name`,
    );
    expect(triggers.map((t) => t.name)).toEqual([...ROLLUP_TRIGGERS].sort());
    // Erasing the rollup before the raw rows (as Disconnect with "delete" does): the delete triggers
    // find no rollup row, so nothing is counted towards a version no batch will close.
    await db.run(sql`DELETE FROM usage_daily WHERE connection_id = ${env.connectionId}`);
    for (const t of ['bj_participants', 'bj_meeting_history', 'bj_meetings']) {
      await db.run(sql`DELETE FROM ${sql.raw(t)} WHERE connection_id = ${env.connectionId}`);
    }
    expect(await storedRollup(db, env.connectionId)).toEqual([]);
    expect((await versionOf(db, env.connectionId))?.pending).toBe(0);
  });

  it('per-user period totals add both subjects of a user and only the days asked for', async () => {
    const { db } = await testDb();
    await ensureOrganization(db, 'local');
    const { id: c } = await getOrCreateConnection(db, 'local', 'bluejeans');
    await db.$client.execute({
      sql: `INSERT INTO bj_users (connection_id, user_id, username, email, first_seen_at, last_listed_at)
        VALUES (?, 'u-ann', 'ann', 'Ann@Example.com', 0, 0), (?, 'u-idle', 'idle', 'idle@example.com', 0, 0)`,
      args: [c, c],
    });
    const day = Math.floor(T0 / DAY);
    await db.batch([
      ...meetingStatements(
        db,
        c,
        [
          { meetingUuid: 'm1', hostEmail: 'ann@example.com', startTime: T0, recording: true },
          { meetingUuid: 'm2', hostEmail: 'ann@example.com', startTime: T0 - 5 * DAY },
        ],
        T0,
      ),
      ...historyStatements(
        db,
        c,
        [
          {
            history: {
              meetingGuid: 'g1',
              leaderUserId: 'u-ann',
              startTime: T0,
              durationMinutes: 40,
              didMinutes: 7,
            },
            participants: [
              { meetingGuid: 'g1', participantKey: 'u-ann', userId: 'u-ann', minutes: 40, joinTime: T0 },
              { meetingGuid: 'g1', participantKey: 'x', email: 'ann@example.com', minutes: 3, joinTime: T0 },
            ],
          },
        ],
        T0,
      ),
    ] as unknown as [Statement, ...Statement[]]);
    const [ann, idle] = await userPeriodTotals(db, c, { fromDay: day - 1, toDay: day });
    expect(ann).toMatchObject({
      userId: 'u-ann',
      meetingsHosted: 1,
      hostedMinutes: 40,
      meetingsAttended: 2,
      participantMinutes: 43,
      pstnMinutes: 7,
      lastAt: T0,
    });
    expect(ann?.features.recording).toBe(1);
    expect(idle).toMatchObject({ userId: 'u-idle', meetingsHosted: 0, meetingsAttended: 0, lastAt: null });
    const wider = await userPeriodTotals(db, c, { fromDay: day - 10, toDay: day }, ['u-ann']);
    expect(wider).toHaveLength(1);
    expect(wider[0]?.meetingsHosted).toBe(2);
  });
});
