import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connections } from '../../db/schema';
import { manualClock } from '../../src/lib/clock';
import { testApp } from '../helpers/deps';
import { syncEnv } from '../sync/support';
import { seed } from './builders';

const fragment = { 'HX-Request': 'true', 'HX-Request-Type': 'partial' };

async function setup() {
  const t = await testApp();
  const s = await seed(t.deps.db, t.deps.clock.now());
  await s.user({ userId: 'ann', lastActiveAt: s.ago(2) });
  await s.meeting({ hostEmail: 'ann@example.com', startTime: s.ago(2), recording: true });
  return { ...t, s };
}

describe('usage revalidation', () => {
  it('sends an ETag with private, no-cache and Vary, and answers a matching If-None-Match with 304', async () => {
    const { request } = await setup();
    const first = await request('/usage/users?sort=minutes');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"u\d+-[0-9a-z]+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('vary')).toContain('HX-Request');
    const again = await request('/usage/users?sort=minutes', { headers: { 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    // Another query, the fragment shape and the CSV are other responses with other ETags.
    const other = await request('/usage/users?sort=name', { headers: { 'If-None-Match': etag ?? '' } });
    expect(other.status).toBe(200);
    const part = await request('/usage/users?sort=minutes', {
      headers: { ...fragment, 'If-None-Match': etag ?? '' },
    });
    expect(part.status).toBe(200);
    expect(part.headers.get('etag')).not.toBe(etag);
    const csv = await request('/usage/users.csv');
    expect(csv.status).toBe(200);
    const csvTag = csv.headers.get('etag') ?? '';
    expect(csvTag).not.toBe(etag);
    expect((await request('/usage/users.csv', { headers: { 'If-None-Match': csvTag } })).status).toBe(304);
    // A default spelled out is the same query, so the same ETag.
    const spelled = await request('/usage/users?sort=minutes&dir=desc&page=1', {
      headers: { 'If-None-Match': etag ?? '' },
    });
    expect(spelled.status).toBe(304);
  });

  it('a threshold change moves the data version and the ETag', async () => {
    const { request } = await setup();
    const before = (await request('/usage/users')).headers.get('etag') ?? '';
    const saved = await request('/usage/settings', {
      method: 'POST',
      body: 'inactiveAfterDays=60',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(saved.status).toBe(303);
    const after = await request('/usage/users', { headers: { 'If-None-Match': before } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
    expect(await after.text()).toContain('Counts cover the last <strong>60 days</strong>');
  });

  it('a sync that changed nothing keeps the ETag; one that changed rows gives a new one', async () => {
    const env = await syncEnv();
    await env.syncToEnd();
    const get = (etag?: string) =>
      env.app.request('http://127.0.0.1:8787/usage/users?sort=minutes', {
        headers: etag ? { 'If-None-Match': etag } : {},
      });
    const version = async () =>
      (await env.deps.db.all<{ v: number }>(sql`SELECT data_version AS v FROM usage_state`))[0]?.v;
    const first = await get();
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag') ?? '';
    const v1 = await version();
    expect(v1).toBeGreaterThan(0);

    // Same moment, same enterprise: every page is re-read and upserted, nothing differs.
    const rerun = await env.syncToEnd();
    expect(rerun.at(-1)?.status).toBe('done');
    expect(await version()).toBe(v1);
    expect((await get(etag)).status).toBe(304);

    // Three users leave BlueJeans: the next listing marks them removed, so the table changes.
    expect(env.sim.control.removeUsers(3)).toHaveLength(3);
    env.clock.advance(16 * 60_000);
    await env.syncToEnd();
    const removed = await env.deps.db.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM bj_users WHERE removed_at IS NOT NULL`,
    );
    expect(removed[0]?.n).toBeGreaterThanOrEqual(3);
    expect(await version()).toBeGreaterThan(v1 ?? 0);
    const changed = await get(etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('a new user leaving the grace period within the day gives a new ETag without a data change', async () => {
    const clock = manualClock();
    const t = await testApp({ clock });
    const s = await seed(t.deps.db, clock.now());
    // Joined 30 days ago less a minute: `new` under the default 30 grace days for one more minute.
    await s.user({ userId: 'fresh', enterpriseJoinDate: s.now - 30 * 86_400_000 + 60_000 });
    const first = await t.request('/usage/users?recommendation=new');
    const etag = first.headers.get('etag') ?? '';
    expect(await first.text()).toContain('fresh@example.com');
    clock.advance(30_000);
    expect(
      (await t.request('/usage/users?recommendation=new', { headers: { 'If-None-Match': etag } })).status,
    ).toBe(304);
    clock.advance(60_000);
    const later = await t.request('/usage/users?recommendation=new', { headers: { 'If-None-Match': etag } });
    expect(later.status).toBe(200);
    expect(later.headers.get('etag')).not.toBe(etag);
    expect(await later.text()).not.toContain('fresh@example.com');
  });
});

describe('usage views while a sync writes', () => {
  it('serve the rows last built (saying when) until they are 20 s old, then catch up without waiting', async () => {
    const clock = manualClock();
    const t = await testApp({ clock });
    const s = await seed(t.deps.db, clock.now());
    await s.user({ userId: 'ann', lastActiveAt: s.ago(2) });
    await t.deps.db.update(connections).set({ state: 'syncing' }).where(eq(connections.id, s.connectionId));
    const first = await t.request('/usage/users');
    expect(await first.text()).toContain('ann@example.com');
    // A sync page lands (new user, new data version): recent rows still serve, and say they are behind.
    await s.user({ userId: 'bob', lastActiveAt: s.ago(1) });
    clock.advance(5_000);
    const behind = await t.request('/usage/users');
    const etag = behind.headers.get('etag') ?? '';
    const body = await behind.text();
    expect(body).not.toContain('bob@example.com');
    expect(body).toContain('Figures as of');
    expect(etag).not.toBe(first.headers.get('etag'));
    // The ETag names exactly these rows: a repeat is a 304 while nothing is rebuilt.
    clock.advance(5_000);
    expect((await t.request('/usage/users', { headers: { 'If-None-Match': etag } })).status).toBe(304);
    // 20 s after the build: this view starts the rebuild without waiting for it; whichever rows it
    // shows (the rebuild may land before its page is read), its ETag names them.
    clock.advance(11_000);
    const due = await t.request('/usage/users');
    const caughtUp = (await due.text()).includes('bob@example.com');
    expect(due.headers.get('etag') === etag).toBe(!caughtUp);
    await expect
      .poll(async () => {
        const res = await t.request('/usage/users', { headers: { 'If-None-Match': etag } });
        return res.status === 200 && (await res.text()).includes('bob@example.com');
      })
      .toBe(true);
    // Once the sync ended, every view is of the current version again.
    await t.deps.db.update(connections).set({ state: 'connected' }).where(eq(connections.id, s.connectionId));
    await s.user({ userId: 'cy', lastActiveAt: s.ago(1) });
    const done = await (await t.request('/usage/users')).text();
    expect(done).toContain('cy@example.com');
    expect(done).not.toContain('Figures as of');
  });
});
