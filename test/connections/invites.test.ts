import { describe, expect, it } from 'vitest';
import { invites } from '../../db/schema';
import { listAudit } from '../../src/connections/audit';
import { hashInviteToken } from '../../src/connections/invite-token';
import { INVITE_TTL_MS } from '../../src/connections/invites';
import { connectWithAppKey, inputValue, moveTo, type SimApp, simApp } from './support';

/** Creates an invite through the page; returns the link and its token. */
async function invite(s: SimApp, email = 'admin@example.com') {
  const page = await (await s.get('/connections/bluejeans/invites')).text();
  const res = await s.post('/connections/bluejeans/invites', { email, formId: inputValue(page, 'formId')! });
  expect(res.status).toBe(201);
  const html = await res.text();
  const link = inputValue(html, 'invite-link') ?? html.match(/id="invite-link"[^>]*value="([^"]+)"/)?.[1];
  const url = new URL(link!);
  return { link: link!, token: url.searchParams.get('invite')!, path: `${url.pathname}${url.search}`, html };
}

async function connectThrough(s: SimApp, token: string) {
  const verify = await s.post('/connections/bluejeans', {
    appKey: s.sim.credentials.appKey,
    appSecret: s.sim.credentials.appSecret,
    invite: token,
  });
  return s.post('/connections/bluejeans/confirm', { pending: inputValue(await verify.text(), 'pending')! });
}

describe('Invite your admin', () => {
  it('explains there is no email, creates a single-use link shown once, and stores only its hash', async () => {
    const s = await simApp();
    const page = await s.get('/connections/bluejeans/invites');
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(pageHtml).toContain('Seatwise sends no email itself');
    expect(pageHtml).toContain('No open invites.');
    const { link, token, html } = await invite(s);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8787\/connections\/bluejeans\/connect\?invite=[\w.-]+$/);
    expect(html).toContain('cannot show it again');
    expect(html).toContain('admin@example.com');
    const rows = await s.deps.db.select().from(invites);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(await hashInviteToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.expiresAt - rows[0]!.createdAt).toBe(INVITE_TTL_MS);
    const again = await (await s.get('/connections/bluejeans/invites')).text();
    expect(again).not.toContain(token);
    expect(again).toContain('Revoke');
    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    expect(audit[0]).toMatchObject({ action: 'invite.created', actor: 'local-admin' });
  });

  it('the link opens the credential form for this organization; connecting through it uses it up', async () => {
    const s = await simApp();
    const { path, token } = await invite(s);
    const form = await s.get(path);
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expect(formHtml).toContain('invited <strong>admin@example.com</strong>');
    expect(inputValue(formHtml, 'invite')).toBe(token);
    expect(formHtml).toContain(`href="/connections/bluejeans/connect?method=password&amp;invite=${token}"`);
    const tab = await (
      await s.get(`/connections/bluejeans/connect?method=password&invite=${token}`, { htmx: true })
    ).text();
    expect(inputValue(tab, 'invite')).toBe(token);
    const confirm = await connectThrough(s, token);
    expect(confirm.status).toBe(303);
    const [row] = await s.deps.db.select().from(invites);
    expect(row!.usedAt).toBe(s.clock.now());
    const actions = (await listAudit(s.deps.db, { orgId: 'local' })).map((a) => a.action);
    expect(actions.slice(0, 2)).toEqual(['invite.used', 'connection.connected']);
    const reused = await s.get(path);
    expect(reused.status).toBe(410);
    expect(await reused.text()).toContain('already used');
  });

  it('an expired link is refused', async () => {
    const s = await simApp();
    const { path } = await invite(s);
    s.clock.advance(INVITE_TTL_MS + 1);
    const res = await s.get(path);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('expired');
  });

  it('a tampered link is refused', async () => {
    const s = await simApp();
    const { token } = await invite(s);
    const [h, p, sig] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims.exp += 3600 * 24 * 30;
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    const res = await s.get(`/connections/bluejeans/connect?invite=${forged}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('not valid');
    const garbage = await s.get('/connections/bluejeans/connect?invite=%3Cscript%3E');
    expect(garbage.status).toBe(400);
  });

  it('revoking makes the link useless, also for a form already open', async () => {
    const s = await simApp();
    const { path, token } = await invite(s);
    const [row] = await s.deps.db.select().from(invites);
    const res = await s.post(`/connections/bluejeans/invites/${row!.id}/revoke`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/connections/bluejeans/invites?notice=revoked');
    expect((await s.get(path)).status).toBe(410);
    const confirm = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
      invite: token,
    });
    expect(confirm.status).toBe(410);
    expect(await confirm.text()).toContain('withdrawn');
    expect((await s.connection()).state).toBe('disconnected');
    const twice = await s.post(`/connections/bluejeans/invites/${row!.id}/revoke`, {}, { htmx: true });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('already revoked');
    const actions = (await listAudit(s.deps.db, { orgId: 'local' })).map((a) => a.action);
    expect(actions.filter((a) => a === 'invite.revoked')).toHaveLength(1);
  });

  it('an invite revoked between consent and Confirm stops the save', async () => {
    const s = await simApp();
    const { token } = await invite(s);
    const verify = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
      invite: token,
    });
    const pending = inputValue(await verify.text(), 'pending')!;
    const [row] = await s.deps.db.select().from(invites);
    await s.post(`/connections/bluejeans/invites/${row!.id}/revoke`, {});
    const res = await s.post('/connections/bluejeans/confirm', { pending });
    expect(res.status).toBe(410);
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('reconnecting through an invite (access expired) uses it up too', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    await moveTo(s, 'needs_reauth');
    const { token } = await invite(s);
    const res = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
      invite: token,
    });
    expect(res.status).toBe(303);
    expect((await s.connection()).state).toBe('connected');
    const [row] = await s.deps.db.select().from(invites);
    expect(row!.usedAt).not.toBeNull();
  });

  it('refuses a bad email, and a create form sent twice creates one invite', async () => {
    const s = await simApp();
    const bad = await s.post('/connections/bluejeans/invites', { email: 'not-an-email' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Enter your admin’s email address');
    const long = await s.post('/connections/bluejeans/invites', { email: `${'a'.repeat(250)}@example.com` });
    expect(long.status).toBe(422);
    const page = await (await s.get('/connections/bluejeans/invites')).text();
    const formId = inputValue(page, 'formId')!;
    expect((await s.post('/connections/bluejeans/invites', { email: 'a@example.com', formId })).status).toBe(
      201,
    );
    const twice = await s.post('/connections/bluejeans/invites', { email: 'a@example.com', formId });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('already sent');
    expect(await s.deps.db.select().from(invites)).toHaveLength(1);
  });

  it('htmx gets the panel fragment', async () => {
    const s = await simApp();
    const res = await s.post('/connections/bluejeans/invites', { email: 'b@example.com' }, { htmx: true });
    expect(res.status).toBe(201);
    const html = await res.text();
    expect(html.startsWith('<div id="invites-panel"')).toBe(true);
  });
});
