import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/connections/audit';
import { openCredentials } from '../../src/connections/credentials';
import { OAUTH_COOKIE } from '../../src/connections/oauth-flow';
import { connectWithAppKey, cookieFrom, inputValue, moveTo, type SimApp, simApp } from './support';

const CALLBACK = '/connections/bluejeans/oauth/callback';

/** Starts "Sign in with BlueJeans": returns the authorize URL and the sealed cookie. */
async function start(s: SimApp, opts: { htmx?: boolean } = {}) {
  const res = await s.post(
    '/connections/bluejeans',
    { method: 'oauth', appKey: s.sim.credentials.appKey, appSecret: s.sim.credentials.appSecret },
    opts,
  );
  const url = opts.htmx ? res.headers.get('hx-redirect') : res.headers.get('location');
  return { res, url: url!, cookie: cookieFrom(res, OAUTH_COOKIE)! };
}

/** Plays the admin on BlueJeans' consent page; returns the callback path BlueJeans redirects to. */
async function consentAtBlueJeans(s: SimApp, authorizeUrl: string, decision: 'allow' | 'deny' = 'allow') {
  const page = await s.sim.fetch(new Request(authorizeUrl));
  expect(page.status).toBe(200);
  const u = new URL(authorizeUrl);
  const form = new URLSearchParams({
    clientId: u.searchParams.get('clientId')!,
    redirectUri: u.searchParams.get('redirectUri')!,
    state: u.searchParams.get('state')!,
    scope: u.searchParams.get('scope')!,
    responseType: u.searchParams.get('responseType')!,
    appName: u.searchParams.get('appName')!,
    username: s.sim.credentials.adminUser.username,
    password: s.sim.credentials.adminUser.password,
    decision,
  });
  const res = await s.sim.fetch(
    new Request(`${u.origin}/oauth2/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
    }),
  );
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  return `${back.pathname}${back.search}`;
}

describe('Sign in with BlueJeans (3-legged OAuth)', () => {
  it('redirects to BlueJeans with a signed state and a sealed, HttpOnly cookie holding the secret', async () => {
    const s = await simApp();
    const { res, url } = await start(s);
    expect(res.status).toBe(303);
    const authorize = new URL(url);
    expect(authorize.origin).toBe('http://sim.test');
    expect(authorize.pathname).toBe('/oauth2/authorize');
    expect(authorize.searchParams.get('clientId')).toBe('demo-app-key');
    expect(authorize.searchParams.get('redirectUri')).toBe(`http://127.0.0.1:8787${CALLBACK}`);
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]+\.[\w-]+$/);
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/connections/bluejeans/oauth');
    expect(setCookie).not.toContain(s.sim.credentials.appSecret);
    expect(url).not.toContain(s.sim.credentials.appSecret);
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('htmx gets HX-Redirect instead of a cross-origin redirect', async () => {
    const s = await simApp();
    const { res, url } = await start(s, { htmx: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(url).toMatch(/^http:\/\/sim\.test\/oauth2\/authorize\?/);
  });

  it('consent at BlueJeans, callback, consent here, Confirm: connected with a sealed refresh token', async () => {
    const s = await simApp();
    const { url, cookie } = await start(s);
    const callback = await consentAtBlueJeans(s, url);
    const res = await s.get(callback, { cookie });
    // A clean URL next: the code and state leave the address bar, so a reload cannot replay them.
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/connections/bluejeans/oauth/consent');
    const cookies = res.headers.getSetCookie();
    expect(cookies.join('\n')).toMatch(/seatwise_oauth=;.*Max-Age=0/);
    const pendingCookie = cookies.find((v) => v.startsWith('seatwise_oauth_pending='))!;
    expect(pendingCookie).toContain('HttpOnly');
    expect(pendingCookie).toContain('Path=/connections/bluejeans/oauth');
    expect(pendingCookie).not.toContain(s.sim.credentials.appSecret);
    const consent = await s.get('/connections/bluejeans/oauth/consent', {
      cookie: pendingCookie.split(';')[0]!,
    });
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).not.toContain(s.sim.credentials.appSecret);
    expect(html).toContain('Allow Seatwise to read this BlueJeans account?');
    expect(html).toContain('Sign in with BlueJeans');
    expect(html).toContain(s.sim.enterpriseId);
    // A reload of the consent page before Confirm shows it again, harmlessly.
    expect(
      (await s.get('/connections/bluejeans/oauth/consent', { cookie: pendingCookie.split(';')[0]! })).status,
    ).toBe(200);
    const confirm = await s.post('/connections/bluejeans/confirm', { pending: inputValue(html, 'pending')! });
    expect(confirm.status).toBe(303);
    // A reload after Confirm lands on the dashboard, never on a false error.
    const reload = await s.get('/connections/bluejeans/oauth/consent', {
      cookie: pendingCookie.split(';')[0]!,
    });
    expect(reload.status).toBe(303);
    expect(reload.headers.get('location')).toBe('/');
    // Without the cookie (another browser, or after Cancel) there is nothing to consent to.
    const none = await s.get('/connections/bluejeans/oauth/consent');
    expect(none.status).toBe(303);
    const row = await s.connection();
    expect(row.state).toBe('connected');
    expect(row.authMethod).toBe('oauth');
    expect(row.enterpriseId).toBe(s.sim.enterpriseId);
    const creds = await openCredentials(
      s.deps.db,
      s.deps.sealer,
      {
        orgId: 'local',
        connectionId: row.id,
      },
      row.sealedCredentials!,
    );
    expect(creds.method).toBe('oauth');
    expect(creds.method === 'oauth' && creds.refreshToken.length > 0).toBe(true);
    const actions = (await listAudit(s.deps.db, { orgId: 'local' })).map((a) => a.action);
    expect(actions.slice(0, 2)).toEqual(['connection.connected', 'connection.oauth_started']);
  });

  it('a replayed callback (same state and code, cookie kept) is refused and changes nothing', async () => {
    const s = await simApp();
    const { url, cookie } = await start(s);
    const callback = await consentAtBlueJeans(s, url);
    expect((await s.get(callback, { cookie })).status).toBe(303);
    const replay = await s.get(callback, { cookie });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');
    expect((await s.connection()).state).toBe('disconnected');
    const failed = (await listAudit(s.deps.db, { orgId: 'local' })).find(
      (a) => a.action === 'connection.oauth_failed',
    );
    expect(JSON.parse(failed!.detail)).toMatchObject({ code: 'state_replayed' });
  });

  it('a tampered state is refused', async () => {
    const s = await simApp();
    const { url, cookie } = await start(s);
    const callback = await consentAtBlueJeans(s, url);
    const u = new URL(callback, 'http://x');
    const state = u.searchParams.get('state')!;
    const [payload, sig] = state.split('.') as [string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString());
    forged.e += 60 * 60_000;
    u.searchParams.set('state', `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`);
    const res = await s.get(`${u.pathname}${u.search}`, { cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('does not match');
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('a callback in a browser that did not start the sign-in is refused (no cookie)', async () => {
    const s = await simApp();
    const { url } = await start(s);
    const callback = await consentAtBlueJeans(s, url);
    const res = await s.get(callback);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('not started in this browser');
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('a state altered to pass the cookie check is refused by its signature', async () => {
    const s = await simApp();
    const { url, cookie } = await start(s);
    const callback = await consentAtBlueJeans(s, url);
    const u = new URL(callback, 'http://x');
    u.searchParams.set('state', `${u.searchParams.get('state')}x`);
    const res = await s.get(`${u.pathname}${u.search}`, { cookie });
    expect(res.status).toBe(400);
  });

  it('a denied consent at BlueJeans comes back as a clear message', async () => {
    const s = await simApp();
    const { url, cookie } = await start(s);
    const callback = await consentAtBlueJeans(s, url, 'deny');
    const res = await s.get(callback, { cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Access was not granted');
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('an expired sign-in (over 10 minutes) is refused', async () => {
    const s = await simApp();
    const { url, cookie } = await start(s);
    const callback = await consentAtBlueJeans(s, url);
    s.clock.advance(11 * 60_000);
    const res = await s.get(callback, { cookie });
    expect(res.status).toBe(400);
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('a damaged callback query is refused without calling BlueJeans', async () => {
    const s = await simApp();
    const res = await s.get(`${CALLBACK}?code=<script>&state=x`);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('<script>');
  });

  it('reconnects in place through the same flow (no consent step)', async () => {
    const s = await simApp();
    const first = await connectWithAppKey(s);
    await moveTo(s, 'needs_reauth');
    const { url, cookie } = await start(s);
    const callback = await consentAtBlueJeans(s, url);
    const res = await s.get(callback, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?notice=reconnected');
    const row = await s.connection();
    expect(row.id).toBe(first.id);
    expect(row.state).toBe('connected');
    expect(row.authMethod).toBe('oauth');
  });
});
