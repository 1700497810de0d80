import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { chunk } from '../../src/sync/writers';
import { syncEnv } from './support';

describe('writers', () => {
  it('chunks multi-row inserts under 999 bound parameters', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ i }));
    const parts = chunk(rows, 23);
    expect(parts.every((p) => p.length * 23 <= 999)).toBe(true);
    expect(parts.flat()).toHaveLength(1000);
    expect(chunk([], 5)).toEqual([]);
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
