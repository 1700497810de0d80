import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  bjDailyUsage,
  bjMeetingHistory,
  bjMeetings,
  bjParticipants,
  bjUsers,
  connections,
  connectionTokens,
  syncCheckpoints,
} from '../../db/schema';
import { listAudit } from '../../src/connections/audit';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import { connectWithAppKey, patchConnection, type SimApp, simApp } from './support';

/** One row in every synced table, for `connectionId`. */
async function seedData(s: SimApp, connectionId: string) {
  const db = s.deps.db;
  await db
    .insert(bjUsers)
    .values({ connectionId, userId: 'u1', username: 'ann', firstSeenAt: 1, lastListedAt: 1 });
  await db.insert(bjMeetings).values({ connectionId, meetingUuid: 'm1', startTime: 1, syncedAt: 1 });
  await db.insert(bjMeetingHistory).values({ connectionId, meetingGuid: 'g1', startTime: 1, syncedAt: 1 });
  await db.insert(bjParticipants).values({ connectionId, meetingGuid: 'g1', participantKey: 'p1' });
  await db.insert(bjDailyUsage).values({ connectionId, day: '2026-01-14', syncedAt: 1 });
  await db.insert(syncCheckpoints).values({ connectionId, stream: 'users', cursor: '{}', updatedAt: 1 });
}

async function countData(s: SimApp, connectionId: string) {
  const db = s.deps.db;
  const n = async (rows: Promise<unknown[]>) => (await rows).length;
  return {
    users: await n(db.select().from(bjUsers).where(eq(bjUsers.connectionId, connectionId))),
    meetings: await n(db.select().from(bjMeetings).where(eq(bjMeetings.connectionId, connectionId))),
    history: await n(
      db.select().from(bjMeetingHistory).where(eq(bjMeetingHistory.connectionId, connectionId)),
    ),
    participants: await n(
      db.select().from(bjParticipants).where(eq(bjParticipants.connectionId, connectionId)),
    ),
    daily: await n(db.select().from(bjDailyUsage).where(eq(bjDailyUsage.connectionId, connectionId))),
    checkpoints: await n(
      db.select().from(syncCheckpoints).where(eq(syncCheckpoints.connectionId, connectionId)),
    ),
  };
}

/** Makes Seatwise mint and cache a token, as a sync would, so there is something to revoke. */
async function cacheToken(s: SimApp) {
  const row = await s.connection();
  const { openCredentials } = await import('../../src/connections/credentials');
  const credentials = await openCredentials(
    s.deps.db,
    s.deps.sealer,
    {
      orgId: row.orgId,
      connectionId: row.id,
    },
    row.sealedCredentials!,
  );
  await s.deps.bluejeans.session({ id: row.id, orgId: row.orgId, credentials }).tokenExpiresAt();
  expect(await s.deps.db.select().from(connectionTokens)).toHaveLength(1);
}

describe('Disconnect', () => {
  it('asks first: keep or delete synced data, keeping being the default', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    const res = await s.get('/connections/bluejeans/disconnect');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toMatch(/<input type="radio" id="data-keep" name="data" value="keep" checked=""/);
    expect(html).toMatch(/<input type="radio" id="data-delete" name="data" value="delete"\/>/);
    const fragment = await (await s.get('/connections/bluejeans/disconnect', { htmx: true })).text();
    expect(fragment.startsWith('<section')).toBe(true);
    expect(fragment).toContain('id="bluejeans-card"');
    expect(fragment).toContain('hx-get="/connections/bluejeans/card"');
    expect((await s.connection()).state).toBe('connected');
  });

  it('keeps synced data when asked: revokes the token, erases credentials and the cached token', async () => {
    const s = await simApp();
    const connected = await connectWithAppKey(s);
    await seedData(s, connected.id);
    await patchConnection(s, { lastSyncedAt: s.clock.now() });
    await cacheToken(s);
    const res = await s.post('/connections/bluejeans/disconnect', { data: 'keep' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?notice=disconnected');
    const row = await s.connection();
    expect(row.id).toBe(connected.id);
    expect(row.state).toBe('disconnected');
    expect(row.sealedCredentials).toBeNull();
    expect(row.authMethod).toBeNull();
    expect(row.nextSyncAt).toBeNull();
    expect(row.enterpriseId).toBe(s.sim.enterpriseId);
    expect(await s.deps.db.select().from(connectionTokens)).toHaveLength(0);
    expect(await countData(s, row.id)).toEqual({
      users: 1,
      meetings: 1,
      history: 1,
      participants: 1,
      daily: 1,
      checkpoints: 1,
    });
    expect(s.sim.control.stats().byOperation.revokeAccessToken).toBe(1);
    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    expect(audit[0]?.action).toBe('connection.disconnected');
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      dataKept: true,
      accessOutcome: 'revoked',
      renewalOutcome: 'not_held',
      grantOutcome: 'not_held',
      dataKeyDestroyed: true,
      from: 'connected',
    });
    const dash = await (await s.get('/?notice=disconnected')).text();
    expect(dash).toContain('Synced data was kept');
    // The card reports each grant's outcome, in words.
    expect(dash).toContain('What Disconnect ended at BlueJeans');
    expect(dash).toMatch(
      /data-outcome="revoked"[^>]*>\s*<strong>Access token<\/strong>: <span[^>]*>revoked at BlueJeans/,
    );
    expect(dash).toContain('This way of connecting has no refresh token.');
    expect(dash).toContain('there is no granted application to remove');
    expect(dash).toMatch(/>\s*Connect\s*</);
    expect(dash).toContain('Synced history is kept');
  });

  it('deletes the synced data of this connection only, when chosen', async () => {
    const s = await simApp();
    const connected = await connectWithAppKey(s);
    await seedData(s, connected.id);
    await ensureOrganization(s.deps.db, 'other-org');
    const other = await getOrCreateConnection(s.deps.db, 'other-org', 'bluejeans');
    await seedData(s, other.id);
    const res = await s.post('/connections/bluejeans/disconnect', { data: 'delete' }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-state="disconnected"');
    expect(html).toContain('its synced data was deleted');
    const row = await s.connection();
    expect(row.enterpriseId).toBeNull();
    expect(row.lastSyncedAt).toBeNull();
    expect(Object.values(await countData(s, row.id)).every((n) => n === 0)).toBe(true);
    expect(await countData(s, other.id)).toEqual({
      users: 1,
      meetings: 1,
      history: 1,
      participants: 1,
      daily: 1,
      checkpoints: 1,
    });
    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ dataKept: false });
  });

  it('still disconnects when BlueJeans cannot be reached, noting the failed revoke in the audit', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    await cacheToken(s);
    s.breakNetwork(async () => {
      throw new TypeError('fetch failed');
    });
    const res = await s.post('/connections/bluejeans/disconnect', { data: 'keep' });
    expect(res.status).toBe(303);
    const row = await s.connection();
    expect(row.state).toBe('disconnected');
    expect(row.sealedCredentials).toBeNull();
    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      accessOutcome: 'failed',
      accessReason:
        'BlueJeans could not be reached; it stays valid at BlueJeans until it expires (within the hour).',
    });
    // The activity log says so in words, and so does the card.
    const log = await (await s.get('/connections/bluejeans/audit')).text();
    expect(log).toContain('Access token');
    expect(log).toContain('could not be revoked');
    expect(log).toContain('BlueJeans could not be reached; it stays valid at BlueJeans until it expires');
    expect(log).not.toContain('accessOutcome');
    const card = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(card).toContain('could not be revoked');
  });

  it('a second Disconnect is refused with a clear message and changes nothing', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    expect((await s.post('/connections/bluejeans/disconnect', { data: 'keep' })).status).toBe(303);
    const after = await s.connection();
    const again = await s.post('/connections/bluejeans/disconnect', { data: 'keep' }, { htmx: true });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already disconnected');
    expect((await s.connection()).version).toBe(after.version);
    const disconnects = (await listAudit(s.deps.db, { orgId: 'local' })).filter(
      (a) => a.action === 'connection.disconnected',
    );
    expect(disconnects).toHaveLength(1);
  });

  it('there is nothing to confirm while disconnected', async () => {
    const s = await simApp();
    const res = await s.get('/connections/bluejeans/disconnect', { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('BlueJeans is not connected.');
    expect(html).not.toContain('name="data"');
  });

  it('refuses a missing or unknown data choice with 400 and stays connected', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    for (const body of [{}, { data: 'shred' }, { data: '' }] as Record<string, string>[]) {
      const res = await s.post('/connections/bluejeans/disconnect', body);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('keep or delete');
    }
    // A POST with no body at all (curl -X POST), as the finding reproduced it.
    const bare = await s.request('/connections/bluejeans/disconnect', { method: 'POST' });
    expect(bare.status).toBe(400);
    expect((await s.connection()).state).toBe('connected');
  });

  it('then Connect again works, into the same row', async () => {
    const s = await simApp();
    const first = await connectWithAppKey(s);
    await s.post('/connections/bluejeans/disconnect', { data: 'keep' });
    const second = await connectWithAppKey(s);
    expect(second.id).toBe(first.id);
    expect(second.state).toBe('connected');
    const rows = await s.deps.db.select().from(connections);
    expect(rows).toHaveLength(1);
  });
});
