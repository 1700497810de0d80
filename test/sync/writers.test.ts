import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { historyStatements, type Statement } from '../../src/sync/writers';
import { syncEnv, T0 } from './support';

/** The SQL text of an unexecuted statement. */
const sqlOf = (s: Statement) => (s as unknown as { getQuery(): { sql: string } }).getQuery().sql;

describe('writers', () => {
  it('writes a page of any size as one upsert per table, however many bound values it has', async () => {
    const env = await syncEnv();
    const db = env.deps.db;
    // 1,200 participants x 10 columns: far past the 999 parameters one statement could bind.
    const participants = Array.from({ length: 1200 }, (_, i) => ({
      meetingGuid: 'g-big',
      participantKey: `k${i}`,
      userId: `u${i}`,
      minutes: 1,
      joinTime: T0,
    }));
    const statements = historyStatements(
      db,
      env.connectionId,
      [{ history: { meetingGuid: 'g-big', startTime: T0, leaderUserId: 'u0' }, participants }],
      T0,
    );
    const upserts = statements.filter((s) => /^INSERT INTO bj_/.test(sqlOf(s)));
    expect(upserts).toHaveLength(2);
    await db.batch(statements as [Statement, ...Statement[]]);
    const n = await db.all<{ n: number }>(
      sql`select count(*) as n from bj_participants where meeting_guid = 'g-big'`,
    );
    expect(n[0]?.n).toBe(1200);
    // Written again (a replay): still one row per participant, values updated in place.
    await db.batch(
      historyStatements(
        db,
        env.connectionId,
        [
          {
            history: { meetingGuid: 'g-big', startTime: T0, leaderUserId: 'u0' },
            participants: participants.map((p) => ({ ...p, minutes: 2 })),
          },
        ],
        T0,
      ) as [Statement, ...Statement[]],
    );
    const m = await db.all<{ n: number; s: number }>(
      sql`select count(*) as n, sum(minutes) as s from bj_participants where meeting_guid = 'g-big'`,
    );
    expect(m[0]).toEqual({ n: 1200, s: 2400 });
  });

  it('sets each user last activity to the latest hosted, led or joined meeting', async () => {
    const env = await syncEnv();
    await env.syncToEnd();
    const rows = await env.deps.db.all<{
      user_id: string;
      last_active_at: number | null;
      expected: number | null;
    }>(sql`
      select u.user_id, u.last_active_at, (
        select max(t) from (
          select coalesce(m.end_time, m.start_time) as t from bj_meetings m
            where m.connection_id = u.connection_id and m.host_email = u.email
          union all select h.start_time from bj_meeting_history h
            where h.connection_id = u.connection_id and (h.leader_user_id = u.user_id or h.leader_email = u.email)
          union all select p.join_time from bj_participants p
            where p.connection_id = u.connection_id and (p.user_id = u.user_id or p.email = u.email)
        )
      ) as expected from bj_users u`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.last_active_at !== null).length).toBeGreaterThan(rows.length / 2);
    for (const r of rows) expect(r.last_active_at).toBe(r.expected);
  });
});
