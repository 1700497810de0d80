import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bjMeetings, bjUsers } from '../../db/schema';
import { archiveStream } from '../../src/export/archive';
import { appRoutes } from '../../src/lib/roles';
import { orgScope } from '../../src/lib/scope';
import { testDb } from '../helpers/deps';
import { syncEnv } from '../sync/support';
import { seed } from '../usage/builders';
import { csvObjects, expectedCells, unguard, unzipResponse } from './support';

/** Each file, the table it mirrors and its read order. */
const FILES = {
  'users.csv': ['bj_users', 'user_id'],
  'meetings.csv': ['bj_meetings', 'meeting_uuid'],
  'meeting_history.csv': ['bj_meeting_history', 'meeting_guid'],
  'participants.csv': ['bj_participants', 'meeting_guid, participant_key'],
  'daily_analytics.csv': ['bj_daily_usage', 'day'],
} as const;

async function syncedArchive() {
  const env = await syncEnv();
  const outcomes = await env.syncToEnd();
  expect(outcomes.at(-1)?.status).toBe('done');
  return env;
}

const get = (env: Awaited<ReturnType<typeof syncEnv>>, path: string) =>
  env.app.request(`http://127.0.0.1:8787${path}`);

describe('GET /export/bluejeans.zip', () => {
  it('holds every synced row of a synced enterprise, equal to the database, with a manifest that counts them', async () => {
    const env = await syncedArchive();
    // Text a spreadsheet would run, and text that needs quoting, must survive the round trip.
    await env.deps.db
      .update(bjUsers)
      .set({ firstName: '=HYPERLINK("http://evil","x")', lastName: 'O"Neil, Jr.\r\nthe second' })
      .where(sql`${bjUsers.userId} = (select min(user_id) from bj_users)`);
    await env.deps.db
      .update(bjMeetings)
      .set({ title: '@SUM(A1:A9)' })
      .where(sql`${bjMeetings.meetingUuid} = (select min(meeting_uuid) from bj_meetings)`);

    expect(appRoutes(env.app).find((r) => r.path === '/export/bluejeans.zip')?.declaration).toBe('admin');
    const res = await get(env, '/export/bluejeans.zip');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="seatwise-bluejeans-local-\d{4}-\d\d-\d\d\.zip"$/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    const files = await unzipResponse(res);
    expect(Object.keys(files).sort()).toEqual(
      [...Object.keys(FILES), 'activity_log.csv', 'manifest.json'].sort(),
    );
    expect(files['users.csv']).toContain(`,"'=HYPERLINK(""http://evil"",""x"")",`);
    expect(files['meetings.csv']).toContain(",'@SUM(A1:A9),");

    const manifest = JSON.parse(files['manifest.json'] as string);
    for (const [file, [table, key]] of Object.entries(FILES)) {
      const dbRows = await env.deps.db.all<Record<string, unknown>>(
        sql.raw(`select * from ${table} where connection_id = '${env.connectionId}' order by ${key}`),
      );
      expect(dbRows.length, table).toBeGreaterThan(0);
      const csvRows = csvObjects(files[file] as string).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, unguard(v)])),
      );
      const columns = Object.keys(dbRows[0] as object).filter((c) => c !== 'connection_id');
      expect(Object.keys(csvRows[0] ?? {}).sort(), file).toEqual([...columns].sort());
      expect(csvRows, file).toEqual(dbRows.map((r) => expectedCells(r, columns)));
      expect(manifest.rowCounts[file], file).toBe(dbRows.length);
    }

    const audit = await env.deps.db.all<Record<string, unknown>>(
      sql.raw(`select * from audit_log where org_id = 'local' order by id`),
    );
    const auditColumns = ['id', 'at', 'actor', 'action', 'connection_id', 'detail'];
    expect(csvObjects(files['activity_log.csv'] as string)).toEqual(
      audit.map((r) => expectedCells(r, auditColumns)),
    );
    // The download itself is in the log it ships.
    expect(audit.at(-1)).toMatchObject({ action: 'archive.exported', actor: 'local-admin' });

    const period = await env.deps.db.all<{ from: number; to: number }>(
      sql.raw(`select min(t) as "from", max(t) as "to" from (
        select start_time as t from bj_meetings union all select start_time from bj_meeting_history
        union all select unixepoch(day) * 1000 from bj_daily_usage)`),
    );
    expect(manifest).toMatchObject({
      format: 1,
      organization: 'local',
      connection: { id: env.connectionId, enterpriseId: env.sim.enterpriseId },
      period: {
        from: new Date(period[0]!.from).toISOString(),
        to: new Date(period[0]!.to).toISOString(),
      },
      generatedAt: new Date(env.clock.now()).toISOString(),
      seatwiseVersion: env.deps.version,
      rowCounts: { 'activity_log.csv': audit.length },
    });
    expect(manifest.schemaVersion.migrations).toBeGreaterThanOrEqual(1);
  });

  it('is a valid archive with headers only when nothing was synced, and holds no other organization’s rows', async () => {
    const env = await syncedArchive();
    // Move the synced connection to another organization: local's archive must no longer show its rows.
    await env.deps.db.run(sql`insert into organizations (id, name) values ('other', 'Other')`);
    await env.deps.db.run(sql`update connections set org_id = 'other' where id = ${env.connectionId}`);
    const res = await get(env, '/export/bluejeans.zip');
    expect(res.status).toBe(200);
    const files = await unzipResponse(res);
    for (const file of Object.keys(FILES)) {
      expect(files[file]?.split('\r\n').filter(Boolean), file).toHaveLength(1);
    }
    const manifest = JSON.parse(files['manifest.json'] as string);
    expect(manifest.connection).toBeNull();
    expect(manifest.period).toEqual({ from: null, to: null });
    expect(manifest.rowCounts['meetings.csv']).toBe(0);
  });

  it('pages through tables larger than a page without losing or repeating a row', async () => {
    const { db } = await testDb();
    const now = Date.UTC(2026, 0, 15);
    const s = await seed(db, now);
    for (let i = 0; i < 23; i++) {
      const guid = await s.meeting({ hostEmail: `h${i % 3}@example.com`, startTime: s.ago(i) });
      // Several participants per meeting: the two-column key must page across meeting boundaries.
      for (let p = 0; p < 3; p++) await s.participant({ meetingGuid: guid, email: `p${p}@example.com` });
    }
    const stream = archiveStream({ scope: orgScope(db, 'local'), now, version: 'x', pageSize: 7 });
    const files = await unzipResponse(new Response(stream));
    const uuids = csvObjects(files['meetings.csv'] as string).map((r) => r.meeting_uuid);
    const rows = await db
      .select({ uuid: bjMeetings.meetingUuid })
      .from(bjMeetings)
      .where(eq(bjMeetings.connectionId, s.connectionId))
      .orderBy(bjMeetings.meetingUuid);
    expect(rows).toHaveLength(23);
    expect(uuids).toEqual(rows.map((r) => r.uuid));
    const participants = csvObjects(files['participants.csv'] as string).map(
      (r) => `${r.meeting_guid}|${r.participant_key}`,
    );
    expect(participants).toHaveLength(69);
    expect(new Set(participants).size).toBe(69);
    expect(JSON.parse(files['manifest.json'] as string).rowCounts).toMatchObject({
      'meetings.csv': 23,
      'participants.csv': 69,
    });
  });
});
