/**
 * The sync's set-based statements read raw rows through indexes, never by scanning a raw table: they run
 * in every page's batch (the rollup triggers' look-up of a day's latest time) or at the end of every run
 * (last activity, PSTN flags), so a scan would grow with everything ever synced. This is also what lets the raw tables keep only the indexes
 * these plans name (bj_participants has no full e-mail index, only the partial one for guests).
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { lastActiveStatement, pstnFromHistoryStatement } from '../../db/queries/sync';
import { testDb } from '../helpers/deps';

const RAW = ['bj_meetings', 'bj_meeting_history', 'bj_participants'];
/** The aliases the statements give the raw tables. */
const ALIAS: Record<string, string> = { m: 'bj_meetings', h: 'bj_meeting_history', p: 'bj_participants' };

async function planOf(db: Db, statement: { getQuery(): { sql: string; params: unknown[] } }) {
  const q = statement.getQuery();
  const plan = await db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${q.sql}`, args: q.params as never });
  return plan.rows.map((r) => String(r.detail));
}

const asQuery = (s: unknown) => s as { getQuery(): { sql: string; params: unknown[] } };

/**
 * The raw-row reads inside the rollup triggers (the day's latest time, looked up again when the row that
 * held it moved on), as standalone SELECTs: OLD's columns and the rollup row's key become values.
 */
async function triggerReads(db: Db) {
  const triggers = await db.all<{ name: string; sql: string }>(
    sql`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'usage%'`,
  );
  return triggers.flatMap((t) =>
    [...t.sql.matchAll(/last_at = CASE WHEN [\s\S]*? THEN ((?:\(|CASE )[\s\S]*?) ELSE last_at END/g)].map(
      (m) => {
        const expression = (m[1] ?? '')
          .replace(/OLD\.connection_id/g, "'c'")
          .replace(/OLD\.\w+/g, "'x'")
          .replace(/usage_daily\.subject/g, "'s'")
          .replace(/usage_daily\.day/g, '20000');
        return { getQuery: () => ({ sql: `SELECT ${expression}`, params: [] }), name: t.name };
      },
    ),
  );
}

describe('write-side plans', () => {
  it('trigger look-ups, last activity and PSTN flags seek raw rows by index, and guests by the partial index', async () => {
    const { db } = await testDb();
    // [statement, the table it walks whole by design (end of a run: every meeting's PSTN flag)].
    const reads = await triggerReads(db);
    // Meetings and participants, updated and deleted: the history rows hold no time of their own.
    expect(reads.map((r) => r.name).sort()).toEqual([
      'usage_meetings_delete',
      'usage_meetings_update',
      'usage_participants_delete',
      'usage_participants_update',
    ]);
    const statements: [unknown, string?][] = [
      ...reads.map((r): [unknown] => [r]),
      [lastActiveStatement(db, 'c')],
      [pstnFromHistoryStatement(db, 'c'), 'bj_meetings'],
    ];
    const all: string[] = [];
    for (const [s, walked] of statements) {
      const details = await planOf(db, asQuery(s));
      all.push(...details);
      for (const d of details) {
        const table = /^(?:SEARCH|SCAN) (\w+) /.exec(d)?.[1] ?? '';
        if (!RAW.includes(ALIAS[table] ?? table) || (ALIAS[table] ?? table) === walked) continue;
        // A seek on more than the connection (a connection_id=? prefix alone reads all its rows).
        expect(d, asQuery(s).getQuery().sql).toMatch(
          /^SEARCH \w+ USING (COVERING )?(INDEX \w+|PRIMARY KEY) \(connection_id=\? AND /,
        );
      }
    }
    // Participants without a user id are found by e-mail through the partial index, in the triggers'
    // look-up (one day's rows) and in last activity.
    expect(all).toContain(
      'SEARCH bj_participants USING INDEX bj_participants_guest_join (connection_id=? AND email=? AND join_time>? AND join_time<?)',
    );
    const lastActive = await planOf(db, asQuery(lastActiveStatement(db, 'c')));
    expect(lastActive.filter((d) => d.includes('bj_participants_guest_join')).length).toBeGreaterThan(0);
  });

  it('the participants table keeps no full e-mail index', async () => {
    const { db } = await testDb();
    const rows = await db.all<{ name: string; sql: string }>(
      sql`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bj_participants' AND sql IS NOT NULL`,
    );
    expect(rows.map((r) => r.name).sort()).toEqual([
      'bj_participants_guest_join',
      'bj_participants_user_join',
    ]);
    expect(rows.find((r) => r.name === 'bj_participants_guest_join')?.sql).toMatch(/WHERE user_id IS NULL/);
  });
});
