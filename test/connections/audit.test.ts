import { describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/connections/audit';
import { connectWithAppKey, simApp } from './support';

describe('GET /connections/bluejeans/audit', () => {
  it('lists who did what and when, newest first, linked from the card', async () => {
    const s = await simApp();
    await s.post('/connections/bluejeans', { appKey: 'demo-app-key', appSecret: 'wrong-one-1' });
    await connectWithAppKey(s);
    await s.post('/connections/bluejeans/invites', { email: 'boss@example.com' });
    const card = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(card).toContain('href="/connections/bluejeans/audit"');
    const res = await s.get('/connections/bluejeans/audit');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<h1>Activity log</h1>');
    const order = ['Invite created', 'Connected', 'Credentials refused'].map((label) =>
      html.indexOf(`<td>${label}</td>`),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).toContain('local-admin');
    expect(html).toContain('boss@example.com');
    expect(html).toContain('invalid_credentials');
    expect(html).not.toContain('wrong-one-1');
  });

  it('pages backwards 50 at a time, and answers htmx with the table only', async () => {
    const s = await simApp();
    await s.get('/');
    for (let i = 0; i < 55; i++) {
      await recordAudit(s.deps.db, {
        orgId: 'local',
        actor: `actor-${i}`,
        action: 'invite.revoked',
        detail: { email: `e${i}@x.test` },
        at: i,
      });
    }
    const first = await (await s.get('/connections/bluejeans/audit', { htmx: true })).text();
    expect(first).not.toContain('<!DOCTYPE html>');
    expect(first).toContain('actor-54');
    expect(first).not.toContain('actor-4<');
    const older = first.match(/href="(\/connections\/bluejeans\/audit\?before=\d+)"/)?.[1];
    expect(older).toBeDefined();
    const second = await (await s.get(older!)).text();
    expect(second).toContain('actor-0');
    expect(second).not.toContain('actor-54');
    expect(second).not.toContain('Older entries');
  });

  it('refuses a malformed page cursor', async () => {
    const s = await simApp();
    const res = await s.get('/connections/bluejeans/audit?before=abc');
    expect(res.status).toBe(400);
  });

  it('shows only this organization’s entries', async () => {
    const s = await simApp();
    await recordAudit(s.deps.db, {
      orgId: 'someone-else',
      actor: 'intruder',
      action: 'invite.created',
      at: 1,
    });
    const html = await (await s.get('/connections/bluejeans/audit')).text();
    expect(html).not.toContain('intruder');
  });
});
