import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getLicenceSettings, saveLicenceSettings, settingsFromRow } from '../../db/queries/licences';
import { SCOPE_FACTS_SQL, usageScopeFacts } from '../../db/queries/usage';
import { connections, usageState } from '../../db/schema';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import { testDb } from '../helpers/deps';
import { seed } from './builders';

describe('usageScopeFacts (the statement every usage request and 304 starts with)', () => {
  it('reads the connection, threshold, settings, synced span and usage state, never the credentials', async () => {
    const { db } = await testDb();
    const now = Date.UTC(2026, 5, 1);
    const s = await seed(db, now);
    await s.user({ userId: 'ann', lastActiveAt: s.ago(2) });
    await s.meeting({ hostEmail: 'ann@example.com', startTime: s.ago(3) });
    await s.syncRun(s.ago(1));
    const settings = {
      ...(await getLicenceSettings(db, 'local')),
      seatPriceMinor: 123_456n,
      seatsPurchased: 40,
      renewalDate: '2027-01-31',
      graceDays: 14,
      exempt: ['boss@example.com', '@partner.example'],
      allowRemoval: true,
    };
    await saveLicenceSettings(db, 'local', settings, 'test', now);
    await db
      .update(connections)
      .set({
        sealedCredentials: 'v1.sealed-secret',
        publicConfig: JSON.stringify({ method: 'app_key', username: 'svc' }),
        lastSyncedAt: s.ago(1),
        dataAsOf: s.ago(1.5),
        state: 'connected',
      })
      .where(eq(connections.id, s.connectionId));
    const facts = await usageScopeFacts(db, 'local', 'bluejeans');
    expect(facts).toBeDefined();
    expect(facts?.connection).toEqual({
      id: s.connectionId,
      state: 'connected',
      publicConfig: JSON.stringify({ method: 'app_key', username: 'svc' }),
      lastSyncedAt: s.ago(1),
      dataAsOf: s.ago(1.5),
      hasCredentials: true,
    });
    expect(JSON.stringify(facts)).not.toContain('sealed-secret');
    expect(facts?.inactiveAfterDays).toBe(30);
    // The same settings as the ORM's own read of the row.
    expect(settingsFromRow(facts?.settings)).toEqual(settings);
    expect(facts?.firstRun).toBe(s.ago(1));
    expect(facts?.firstMeeting).toBe(s.ago(3));
    const [st] = await db.select().from(usageState).where(eq(usageState.connectionId, s.connectionId));
    expect(facts?.state?.v).toBe(st?.dataVersion);
    expect(facts?.state?.counts ?? null).toBe(st?.summaryCounts ?? null);
    // Nothing synced, no settings saved, no state row: defaults and undefined, never a failure.
    await ensureOrganization(db, 'other');
    await getOrCreateConnection(db, 'other', 'bluejeans');
    const empty = await usageScopeFacts(db, 'other', 'bluejeans');
    expect(empty?.settings).toBeNull();
    expect(empty?.firstRun).toBeNull();
    expect(empty?.connection.hasCredentials).toBe(false);
    expect(await usageScopeFacts(db, 'nobody', 'bluejeans')).toBeUndefined();
  });

  it('is planned as index searches only, also with statistics gathered at one organization', async () => {
    const { db } = await testDb();
    await seed(db, Date.UTC(2026, 5, 1));
    await saveLicenceSettings(db, 'local', await getLicenceSettings(db, 'local'), 'test', 0);
    // Statistics of a one-organization install make every table look like one row: a planner that
    // trusted them would scan connections and usage_state once there are many organizations.
    await db.$client.execute('ANALYZE');
    for (let i = 0; i < 200; i++) {
      await seed(db, Date.UTC(2026, 5, 1), `org-${i}`);
    }
    const plan = await db.$client.execute({
      sql: `EXPLAIN QUERY PLAN ${SCOPE_FACTS_SQL}`,
      args: ['org-7', 'bluejeans'],
    });
    const details = plan.rows.map((r) => String(r.detail));
    expect(details.some((d) => d.includes('connections_org_vendor'))).toBe(true);
    expect(details.filter((d) => /^SCAN/.test(d))).toEqual([]);
    expect((await usageScopeFacts(db, 'org-7', 'bluejeans'))?.connection.id).toBeDefined();
  });
});
