import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { syncRuns } from '../../db/schema';
import { runSlice } from '../../src/sync/slice';
import { counts, DAY, snapshot, syncEnv, T0, TEST_SYNC } from './support';

describe('a full sync run', () => {
  it('fills users, meetings, history, participants and daily usage as the simulator has them', async () => {
    const env = await syncEnv();
    const outcomes = await env.syncToEnd();
    expect(outcomes.at(-1)?.status).toBe('done');

    const truth = await env.truth({ from: T0 - 20 * DAY, to: T0 });
    const n = await counts(env.deps.db);
    expect(truth.meetings).toBeGreaterThan(20);
    expect(n).toEqual({
      bj_users: truth.users,
      bj_meetings: truth.meetings,
      bj_meeting_history: truth.history,
      bj_participants: truth.participants,
      bj_daily_usage: truth.days,
    });

    const row = await env.row();
    expect(row.state).toBe('connected');
    expect(row.lastSyncedAt).toBe(env.clock.now());
    expect(row.dataAsOf).toBe(T0);
    expect(row.nextSyncAt).toBe(env.clock.now() + 15 * 60_000);

    const run = await env.deps.db.select().from(syncRuns).get();
    expect(run?.status).toBe('succeeded');
    expect(run?.finishedAt).not.toBeNull();
    expect(run?.requests).toBeGreaterThan(0);
    const stats = JSON.parse(run?.stats ?? '{}');
    expect(Object.keys(stats)).toEqual([
      'users',
      'meetings',
      'meeting_history',
      'active_users',
      'meeting_usage',
    ]);
    expect(stats.meetings.fetched).toBe(truth.meetings);
    expect(stats.users.upserted).toBe(truth.users);

    // Activity reached the users table in one set-based update; PSTN came from history.
    const active = await env.deps.db.all<{ n: number }>(
      sql`select count(*) as n from bj_users where last_active_at is not null`,
    );
    expect(active[0]?.n).toBeGreaterThan(0);
    const pstnHistory = await env.deps.db.all<{ n: number }>(
      sql`select count(*) as n from bj_meeting_history h join bj_meetings m
          on m.connection_id = h.connection_id and m.host_email = h.leader_email and m.start_time = h.start_time
          where h.pstn_only = 1 or h.dialout_minutes > 0 or h.toll_free_minutes > 0 or h.did_minutes > 0`,
    );
    const pstnMeetings = await env.deps.db.all<{ n: number }>(
      sql`select count(*) as n from bj_meetings where pstn = 1`,
    );
    expect(pstnHistory[0]?.n).toBeGreaterThan(0);
    expect(pstnMeetings[0]?.n).toBe(pstnHistory[0]?.n);
  });

  it('a second run with no changes upserts the same rows again: no duplicates, same data', async () => {
    const env = await syncEnv();
    await env.syncToEnd();
    const before = await snapshot(env.deps.db);
    // Same moment: the simulator's enterprise keeps meeting as its clock moves, so time must not pass.
    const outcomes = await env.syncToEnd();
    expect(outcomes.at(-1)?.status).toBe('done');
    expect(await snapshot(env.deps.db)).toEqual(before);
    const runs = await env.deps.db.select().from(syncRuns).where(eq(syncRuns.status, 'succeeded')).all();
    expect(runs).toHaveLength(2);
    // The second run only looked back from the first one's high-water mark.
    const second = JSON.parse(runs[1]?.stats ?? '{}');
    const first = JSON.parse(runs[0]?.stats ?? '{}');
    expect(second.meeting_usage.fetched).toBeLessThan(first.meeting_usage.fetched + 1);
  });

  it('is not due again until its interval has passed', async () => {
    const env = await syncEnv();
    await env.syncToEnd();
    const outcome = await runSlice(env.deps, {
      connectionId: env.connectionId,
      trigger: 'cron',
      options: TEST_SYNC,
    });
    expect(outcome).toEqual({ status: 'skipped', reason: 'not due' });
  });

  it('marks users missing from a later listing as removed, never deletes them, and restores returners', async () => {
    const env = await syncEnv();
    await env.syncToEnd();
    const total = (await counts(env.deps.db)).bj_users;
    const removed = env.sim.control.removeUsers(3);
    expect(removed).toHaveLength(3);
    env.clock.advance(16 * 60_000);
    await env.syncToEnd();
    expect((await counts(env.deps.db)).bj_users).toBe(total);
    const gone = await env.deps.db.all<{ n: number }>(
      sql`select count(*) as n from bj_users where removed_at is not null`,
    );
    expect(gone[0]?.n).toBe(3);

    env.sim.control.reset();
    env.clock.advance(16 * 60_000);
    await env.syncToEnd();
    const back = await env.deps.db.all<{ n: number }>(
      sql`select count(*) as n from bj_users where removed_at is not null`,
    );
    expect(back[0]?.n).toBe(0);
  });

  it('picks up meetings that arrive late through the look-back window', async () => {
    // The clock sits inside the simulated span, and meetings show up to 3 hours after they end.
    const start = T0 - 12 * DAY;
    const env = await syncEnv({ start, sim: { lateArrivalMinutes: 180 } });
    await env.syncToEnd();
    const first = (await counts(env.deps.db)).bj_meetings;
    env.clock.advance(6 * 60 * 60_000);
    await env.syncToEnd();
    const truth = await env.truth({ from: start - 20 * DAY, to: start });
    const second = (await counts(env.deps.db)).bj_meetings;
    // Everything that now lists before the first run's end is stored, including the late ones.
    const stored = await env.deps.db.all<{ n: number }>(
      sql`select count(*) as n from bj_meetings where start_time < ${start}`,
    );
    expect(stored[0]?.n).toBe(truth.meetings);
    expect(truth.meetings).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first ?? 0);
  });
});
