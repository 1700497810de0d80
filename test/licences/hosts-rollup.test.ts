/** Plan terms read distinct hosts per month from the rollup; over a synced enterprise it equals the raw count. */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hostsByMonth } from '../../db/queries/licences';
import { syncEnv } from '../sync/support';

describe('hostsByMonth', () => {
  it('equals distinct lower-cased hosts of the raw meetings, month by month, and reads only the rollup', async () => {
    const env = await syncEnv({ sim: { users: 30, days: 40 } });
    await env.syncToEnd();
    const raw = await env.deps.db.all<{ month: string; hosts: number }>(sql`
      SELECT strftime('%Y-%m', start_time / 1000, 'unixepoch') AS month, count(DISTINCT lower(host_email)) AS hosts
      FROM bj_meetings WHERE connection_id = ${env.connectionId} AND host_email IS NOT NULL GROUP BY 1 ORDER BY 1`);
    expect(raw.length).toBeGreaterThan(0);
    const fromRollup = await hostsByMonth(env.deps.db, env.connectionId, 0);
    expect([...fromRollup.entries()].sort()).toEqual(raw.map((r) => [r.month, Number(r.hosts)]));
    // The rollup is the source: without its rows the raw meetings count for nothing.
    await env.deps.db.run(sql`DELETE FROM usage_daily WHERE connection_id = ${env.connectionId}`);
    expect((await hostsByMonth(env.deps.db, env.connectionId, 0)).size).toBe(0);
  });
});
