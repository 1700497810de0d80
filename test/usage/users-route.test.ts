import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/deps';
import { rowEmails, seed, textOf } from './builders';

async function setup() {
  const t = await testApp();
  const s = await seed(t.deps.db, t.deps.clock.now());
  return { ...t, s };
}

const fragment = { headers: { 'HX-Request': 'true', 'HX-Request-Type': 'partial' } };

describe('GET /usage/users: statuses and reasons', () => {
  it('classifies at the 29/30/31-day boundary and explains each status', async () => {
    const { s, request } = await setup();
    await s.user({ userId: 'd29', lastActiveAt: s.ago(29) });
    await s.user({ userId: 'd30', lastActiveAt: s.ago(30) });
    await s.user({ userId: 'd31', lastActiveAt: s.ago(31) });
    await s.user({ userId: 'nev', enterpriseJoinDate: Date.UTC(2023, 10, 23) });
    await s.user({ userId: 'new', enterpriseJoinDate: s.ago(3) });
    await s.user({ userId: 'gone', lastActiveAt: s.ago(2), removedAt: Date.UTC(2026, 0, 10) });

    const before = textOf(await (await request('/usage/users?sort=email')).text());
    // Before any sync run, nothing claims a span of history.
    expect(before).toContain('nev@example.com Never used no meeting synced yet');
    await s.syncRun(s.ago(10));
    const res = await request('/usage/users?sort=email');
    expect(res.status).toBe(200);
    const rows = textOf(await res.text());
    expect(rows).toContain('d29@example.com Active last meeting 29 days ago');
    expect(rows).toContain('d30@example.com Inactive last meeting 30 days ago');
    expect(rows).toContain('d31@example.com Inactive last meeting 31 days ago');
    // Joined before the synced 100 days (first run 10 days ago, reaching 90 back): bounded by them.
    expect(rows).toMatch(
      /nev@example\.com Never used no meeting in the 100 days synced \(since \d+ \w+ \d{4}\)/,
    );
    expect(rows).not.toContain('since joining on 23 Nov 2023');
    expect(rows).toContain(`new@example.com Never used no meeting since joining on`);
    expect(rows).toContain('gone@example.com Removed removed from BlueJeans on 10 Jan 2026');
  });

  it('counts meetings from the period even before the sync fills last_active_at', async () => {
    const { s, request } = await setup();
    // A mixed-case directory entry still finds meetings stored lower-case.
    await s.user({ userId: 'host', email: 'Host@Example.com' });
    await s.user({ userId: 'guest' });
    await s.user({ userId: 'old' });
    await s.meeting({ hostEmail: 'host@example.com', startTime: s.ago(5), recording: true, pstn: true });
    await s.meeting({ hostEmail: 'Host@Example.com', startTime: s.ago(40), recording: true });
    await s.participant({ meetingGuid: 'g1', email: 'guest@example.com', minutes: 30, joinTime: s.ago(3) });
    await s.participant({ meetingGuid: 'g2', userId: 'guest', minutes: 15, joinTime: s.ago(4) });
    await s.participant({ meetingGuid: 'g3', userId: 'old', minutes: 99, joinTime: s.ago(31) });

    const text = textOf(await (await request('/usage/users?sort=email', fragment)).text());
    // guest: 2 meetings, 45 minutes (matched once by id, once by e-mail); host: only the in-period meeting counts.
    // Hosted, attended, minutes, then the features used as labelled badges ("none" when none was used).
    expect(text).toContain(
      'guest@example.com Active last meeting 3 days ago Attendee only attended 2 meetings, hosted none in the last 30 days 12 Jan 2026 0 2 45 none',
    );
    expect(text).toContain(
      'Host@Example.com Active last meeting 5 days ago Keep hosted 1 meeting in the last 30 days 10 Jan 2026 1 0 0 Rec 1 Recording: 1 PSTN 1 PSTN dial-in: 1',
    );
    // Every feature, zeros included, is in the row's details.
    expect(text).toContain(
      'Recording 1 meeting Content share 0 meetings Video share 0 meetings PSTN dial-in 1 meeting Large meetings 0 meetings Personal room 0 meetings',
    );
    // Older activity is only known through the synced last_active_at (the period bounds the scan).
    expect(text).toContain('old@example.com Never used');
  });

  it('honours the saved threshold', async () => {
    const { s, request, deps } = await setup();
    await deps.db.$client.execute("UPDATE organizations SET inactive_after_days = 60 WHERE id = 'local'");
    await s.user({ userId: 'd45', lastActiveAt: s.ago(45) });
    const text = textOf(await (await request('/usage/users')).text());
    expect(text).toContain('Counts cover the last 60 days');
    expect(text).toContain('d45@example.com Active last meeting 45 days ago');
  });

  it('shows summary tiles with the reclaimable share', async () => {
    const { s, request } = await setup();
    await s.user({ userId: 'a', lastActiveAt: s.ago(1) });
    await s.user({ userId: 'b', lastActiveAt: s.ago(40) });
    await s.user({ userId: 'c' });
    await s.user({ userId: 'd', lastActiveAt: s.ago(1) });
    await s.user({ userId: 'r', removedAt: s.ago(3) });
    const text = textOf(await (await request('/usage/users')).text());
    expect(text).toContain(
      '4 Licensed users 2 Active met in the last 30 days 1 Inactive no meeting for 30 days or more 1 Never used',
    );
    expect(text).toContain('1 Removed history kept 50% Reclaimable');
  });
});

describe('GET /usage/users: tiles ignore the table filters', () => {
  it('counts every user in the tiles whatever the filter or page', async () => {
    const { s, request } = await setup();
    await s.user({ userId: 'a', lastActiveAt: s.ago(1) });
    await s.user({ userId: 'b' });
    await s.user({ userId: 'r', removedAt: s.ago(3) });
    for (const query of ['?status=removed', '?q=nobody', '?page=9']) {
      const text = textOf(await (await request(`/usage/users${query}`)).text());
      expect(text).toContain('2 Licensed users 1 Active');
      expect(text).toContain('1 Removed history kept 50% Reclaimable');
    }
    expect(textOf(await (await request('/usage/users?page=9')).text())).toContain('There is no page 9');
  });
});

describe('GET /usage/users: filters, search, sort, pages', () => {
  async function people() {
    const t = await setup();
    const { s } = t;
    await s.user({ userId: 'alice', firstName: 'Alice', lastName: 'Zed', lastActiveAt: s.ago(2) });
    await s.user({ userId: 'bruno', firstName: 'Bruno', lastName: 'Young', lastActiveAt: s.ago(50) });
    await s.user({ userId: 'carla', firstName: 'Carla', lastName: 'Xu' });
    await s.user({ userId: 'dora_x', firstName: '100%', lastName: 'Dora', removedAt: s.ago(5) });
    await s.meeting({ hostEmail: 'alice@example.com', startTime: s.ago(2), contentShare: true });
    await s.meeting({ hostEmail: 'alice@example.com', startTime: s.ago(3) });
    await s.participant({ userId: 'alice', minutes: 5, joinTime: s.ago(2) });
    return t;
  }
  const get = async (r: Awaited<ReturnType<typeof testApp>>['request'], q: string) => {
    const res = await r(`/usage/users${q}`, fragment);
    expect(res.status).toBe(200);
    return rowEmails(await res.text());
  };

  it('filters by status, keeping removed users', async () => {
    const { request } = await people();
    expect(await get(request, '?status=active')).toEqual(['alice@example.com']);
    expect(await get(request, '?status=inactive')).toEqual(['bruno@example.com']);
    expect(await get(request, '?status=never')).toEqual(['carla@example.com']);
    expect(await get(request, '?status=removed')).toEqual(['dora_x@example.com']);
    expect(await get(request, '')).toHaveLength(4);
  });

  it('filters by feature used', async () => {
    const { request } = await people();
    expect(await get(request, '?feature=content_share')).toEqual(['alice@example.com']);
    expect(await get(request, '?feature=pstn')).toEqual([]);
  });

  it('searches name and e-mail, with % and _ taken literally', async () => {
    const { request } = await people();
    expect(await get(request, '?q=young')).toEqual(['bruno@example.com']);
    expect(await get(request, '?q=CARLA%40')).toEqual(['carla@example.com']);
    expect(await get(request, '?q=100%25')).toEqual(['dora_x@example.com']);
    expect(await get(request, '?q=%25')).toEqual(['dora_x@example.com']);
    expect(await get(request, '?q=a_x')).toEqual(['dora_x@example.com']);
    expect(await get(request, '?q=_')).toEqual(['dora_x@example.com']);
    expect(await get(request, '?q=nobody')).toEqual([]);
  });

  it('sorts both directions by every column', async () => {
    const { request } = await people();
    // Names: '100% Dora', 'Alice Zed', 'Bruno Young', 'Carla Xu'.
    const byName = ['dora_x', 'alice', 'bruno', 'carla'].map((u) => `${u}@example.com`);
    expect(await get(request, '?sort=name')).toEqual(byName);
    expect(await get(request, '?sort=name&dir=desc')).toEqual([...byName].reverse());
    expect(await get(request, '?sort=email&dir=desc')).toEqual([
      'dora_x@example.com',
      'carla@example.com',
      'bruno@example.com',
      'alice@example.com',
    ]);
    // Last active: newest first by default; never-active users go last, and first when ascending.
    expect(await get(request, '?sort=last_active')).toEqual([
      'alice@example.com',
      'bruno@example.com',
      'carla@example.com',
      'dora_x@example.com',
    ]);
    expect((await get(request, '?sort=last_active&dir=asc')).slice(2)).toEqual([
      'bruno@example.com',
      'alice@example.com',
    ]);
    expect((await get(request, '?sort=meetings'))[0]).toBe('alice@example.com');
    expect((await get(request, '?sort=meetings&dir=asc')).at(-1)).toBe('alice@example.com');
    expect((await get(request, '?sort=minutes'))[0]).toBe('alice@example.com');
    expect((await get(request, '?sort=minutes&dir=asc')).at(-1)).toBe('alice@example.com');
  });

  it('marks the sorted column and links to the other direction without JS', async () => {
    const { request } = await people();
    const html = await (await request('/usage/users?sort=minutes')).text();
    // The filter form keeps the order: the fragment carries it in inputs that join the form.
    expect(html).toContain('<input type="hidden" form="usage-filters" name="sort" value="minutes"/>');
    expect(html).toMatch(
      /<th scope="col" class="num" aria-sort="descending"><a href="\/usage\/users\?sort=minutes&amp;dir=asc"/,
    );
  });

  it('pages by 50 with links that keep the filters', async () => {
    const { s, request } = await setup();
    for (let i = 0; i < 120; i += 1) await s.user({ userId: `u${String(i).padStart(3, '0')}` });
    const first = await (await request('/usage/users?sort=email&q=u', fragment)).text();
    expect(rowEmails(first)).toHaveLength(50);
    expect(textOf(first)).toContain('1–50 of 120 users');
    expect(first).toContain('href="/usage/users?q=u&amp;sort=email&amp;page=2"');
    const third = await (await request('/usage/users?sort=email&q=u&page=3', fragment)).text();
    expect(rowEmails(third)).toEqual(
      Array.from({ length: 20 }, (_, i) => `u${String(100 + i).padStart(3, '0')}@example.com`),
    );
    expect(textOf(third)).toContain('Page 3 of 3');
    const beyond = await (await request('/usage/users?page=9', fragment)).text();
    expect(textOf(beyond)).toContain('There is no page 9');
  });
});

describe('GET /usage/users: shapes and errors', () => {
  it.each([
    ['?status=sleeping', 'Status must be one of'],
    ['?feature=fax', 'Feature must be one of'],
    ['?sort=salary', 'Sort must be one of'],
    ['?dir=up', 'Direction must be asc or desc'],
    ['?page=0', 'Page must be a whole number'],
    ['?page=abc', 'Page must be a whole number'],
    ['?status=active&status=never', 'Status must be one of'],
    [`?q=${'x'.repeat(201)}`, 'at most 200 characters'],
  ])('refuses %s with a clear 400', async (query, message) => {
    const { request } = await setup();
    const res = await request(`/usage/users${query}`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(message);
    expect(html).not.toMatch(/ZodError|at .*\.ts:\d+|"code":/);
    const csv = await request(`/usage/users.csv${query}`);
    expect(csv.status).toBe(400);
  });

  it('answers htmx with the results fragment and browsers with the page', async () => {
    const { s, request } = await setup();
    await s.user({ userId: 'ann' });
    const page = await request('/usage/users');
    expect(page.status).toBe(200);
    expect(page.headers.get('vary')).toContain('HX-Request');
    const full = await page.text();
    expect(full).toMatch(/^<!DOCTYPE html>/);
    expect(full).toContain('id="usage-results"');
    expect(full).toContain('hx-trigger="input changed delay:300ms"');
    expect(full).toContain('hx-include="closest form, [form=usage-filters]"');

    const part = await (await request('/usage/users', fragment)).text();
    expect(part).toMatch(/^<section id="usage-results"/);
    expect(part).not.toContain('<html');

    // A history restore replaces the body, so it needs the whole page.
    const restore = await request('/usage/users', {
      headers: { 'HX-Request': 'true', 'HX-History-Restore-Request': 'true' },
    });
    expect(await restore.text()).toMatch(/^<!DOCTYPE html>/);
  });

  it('shows an empty state linking to the Connections card before any sync', async () => {
    const { request } = await setup();
    const res = await request('/usage/users');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('No BlueJeans users synced yet');
    expect(html).toContain('href="/#bluejeans-card"');
  });

  it('only shows the organization’s own connection', async () => {
    const { deps, request } = await setup();
    const other = await seed(deps.db, deps.clock.now(), 'other-org');
    await other.user({ userId: 'stranger' });
    expect(await (await request('/usage/users')).text()).toContain('No BlueJeans users synced yet');
  });
});
