import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organizations } from '../../db/schema';
import { testApp } from '../helpers/deps';
import { seed, textOf } from './builders';

async function setup() {
  const t = await testApp();
  const s = await seed(t.deps.db, t.deps.clock.now());
  await s.user({ userId: 'd45', lastActiveAt: s.ago(45) });
  const threshold = async () =>
    (await t.deps.db.select().from(organizations).where(eq(organizations.id, 'local')).get())
      ?.inactiveAfterDays;
  const post = (body: string, headers: Record<string, string> = {}) =>
    t.request('/usage/settings', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    });
  return { ...t, s, threshold, post };
}

describe('POST /usage/settings', () => {
  it('saves a valid threshold and redirects back (303) without JS', async () => {
    const { post, threshold, request } = await setup();
    const res = await post('inactiveAfterDays=60');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/usage/users');
    expect(await threshold()).toBe(60);
    const text = textOf(await (await request('/usage/users')).text());
    expect(text).toContain('d45@example.com Active last meeting 45 days ago');
  });

  it('answers htmx with the refreshed usage body and a confirmation', async () => {
    const { post, threshold } = await setup();
    const res = await post('inactiveAfterDays=90', { 'HX-Request': 'true' });
    expect(res.status).toBe(200);
    expect(res.headers.get('hx-replace-url')).toBe('/usage/users');
    const html = await res.text();
    expect(html).toMatch(/^<div id="usage-body">/);
    expect(html).toContain('<option value="90" selected="">');
    expect(textOf(html)).toContain('Saved: a seat is now inactive after 90 days.');
    expect(await threshold()).toBe(90);
  });

  it.each(['inactiveAfterDays=45', 'inactiveAfterDays=', 'inactiveAfterDays=30x', 'other=1'])(
    'refuses %s with 422 and a message, changing nothing',
    async (body) => {
      const { post, threshold } = await setup();
      const res = await post(body);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).toContain('aria-invalid="true"');
      expect(textOf(html)).toContain('Choose 30, 60, 90 days. The threshold was not changed.');
      expect(await threshold()).toBe(30);

      const htmx = await post(body, { 'HX-Request': 'true' });
      expect(htmx.status).toBe(422);
      expect(await htmx.text()).toMatch(/^<div id="usage-body">.*role="alert"/s);
    },
  );

  it('refuses a cross-site post (CSRF)', async () => {
    const { post, threshold } = await setup();
    const res = await post('inactiveAfterDays=60', { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await threshold()).toBe(30);
  });
});
