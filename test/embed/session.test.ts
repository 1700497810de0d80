import { eq } from 'drizzle-orm';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { connections } from '../../db/schema';
import { listAudit } from '../../src/connections/audit';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { FetchLike } from '../../src/connectors/types';
import { isEmbedPath, openSession, SESSION_SECONDS, sealSession } from '../../src/embed/session';
import { COOKIE_NAME, embedApp, SECRET, sessionCookie } from './support';

async function signedIn(role: 'admin' | 'viewer' = 'admin', env: Record<string, string> = {}) {
  const t = await embedApp(env);
  const org = env.AUTH_MODE === 'access' ? 'default' : 'local';
  // Behind Access the organization must exist (or EMBED_AUTO_CREATE_ORGS provisions it).
  if (org === 'default') await ensureOrganization(t.deps.db, 'default');
  const res = await t.request(`/embed/card?token=${await t.sign({ role, org })}`);
  expect(res.status).toBe(303);
  return { ...t, cookie: sessionCookie(res) };
}

/** Access mode with a JWKS nobody can sign for: only the embed session could admit anyone. */
async function accessEnv() {
  const { publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  const fetch: FetchLike = async () => Response.json({ keys: [jwk] });
  return {
    fetch,
    env: { AUTH_MODE: 'access', ACCESS_TEAM_DOMAIN: 'acme.cloudflareaccess.com', ACCESS_AUD: 'a' },
  };
}

async function markConnected(t: Awaited<ReturnType<typeof signedIn>>, orgId = 'local') {
  const row = await getOrCreateConnection(t.deps.db, orgId, 'bluejeans');
  await t.deps.db
    .update(connections)
    .set({ state: 'connected', enterpriseId: '42', enterpriseName: 'Acme' })
    .where(eq(connections.id, row.id));
}

describe('embed session', () => {
  it('admits /embed/card in access mode without an Access sign-in', async () => {
    const { env } = await accessEnv();
    const t = await signedIn('admin', env);
    const res = await t.app.request('https://seatwise.acme.example/embed/card', {
      headers: { Cookie: t.cookie },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('id="bluejeans-card"');
  });

  it('never opens a non-embed route: in access mode the cookie alone gets 401 on / and the card fragment', async () => {
    const { env } = await accessEnv();
    const t = await signedIn('admin', env);
    for (const path of ['/', '/connections/bluejeans/card', '/connections/bluejeans/connect', '/embedded']) {
      const res = await t.app.request(`https://seatwise.acme.example${path}`, {
        headers: { Cookie: t.cookie },
      });
      expect(res.status, path).toBe(401);
    }
  });

  it('ends after one hour, with no sliding renewal', async () => {
    const t = await signedIn();
    t.clock.advance((SESSION_SECONDS - 60) * 1000);
    const ok = await t.request('/embed/card', { headers: { Cookie: t.cookie } });
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie()).toEqual([]);
    t.clock.advance(120 * 1000);
    const over = await t.request('/embed/card', { headers: { Cookie: t.cookie } });
    expect(over.status).toBe(401);
  });

  it('refuses a forged or tampered cookie, and an embed token presented as the cookie', async () => {
    const t = await signedIn('viewer');
    const value = t.cookie.split('=')[1]!;
    const [h, , s] = value.split('.');
    const body = Buffer.from(JSON.stringify({ org: 'local', sub: 'x', role: 'admin', exp: 9e9 })).toString(
      'base64url',
    );
    for (const forged of [`${h}.${body}.${s}`, await t.sign(), 'garbage']) {
      const res = await t.request('/embed/card', { headers: { Cookie: `${COOKIE_NAME}=${forged}` } });
      expect(res.status).toBe(401);
    }
  });

  it('ignores the cookie without its __Host- prefix', async () => {
    const t = await signedIn();
    const bare = t.cookie.replace('__Host-', '');
    expect((await t.request('/embed/card', { headers: { Cookie: bare } })).status).toBe(401);
  });
});

describe('roles', () => {
  it('shows a viewer the state but no Connect, Reconnect or Disconnect, and no app links', async () => {
    const t = await signedIn('viewer');
    for (const connected of [false, true]) {
      if (connected) await markConnected(t);
      const html = await (await t.request('/embed/card', { headers: { Cookie: t.cookie } })).text();
      expect(html).toContain(connected ? 'Connected' : 'Not connected');
      expect(html).not.toMatch(/>\s*(Connect|Reconnect|Disconnect)\s*</);
      expect(html).not.toContain('/embed/open/');
      expect(html).not.toContain('Activity log');
    }
  });

  it('shows an admin Reconnect and Disconnect once connected', async () => {
    const t = await signedIn('admin');
    await markConnected(t);
    const html = await (await t.request('/embed/card', { headers: { Cookie: t.cookie } })).text();
    expect(html).toMatch(/>Reconnect</);
    expect(html).toMatch(/>Disconnect</);
    expect(html).toContain('hx-get="/embed/disconnect"');
  });

  it('refuses a viewer the admin routes with 403', async () => {
    const t = await signedIn('viewer');
    await markConnected(t);
    const headers = { Cookie: t.cookie };
    expect((await t.request('/embed/open/connect', { headers })).status).toBe(403);
    expect((await t.request('/embed/disconnect', { headers })).status).toBe(403);
    const post = await t.request('/embed/disconnect', {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'data=keep',
    });
    expect(post.status).toBe(403);
    const row = await getOrCreateConnection(t.deps.db, 'local', 'bluejeans');
    expect(row.state).toBe('connected');
  });

  it('offers an admin a new-window link to the connect page when JavaScript is off', async () => {
    const t = await signedIn('admin');
    const res = await t.request('/embed/open/connect', { headers: { Cookie: t.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/connections/bluejeans/connect" target="_blank" rel="noopener"');
  });

  it('lets an admin disconnect from inside the frame (htmx), refusing a cross-site POST', async () => {
    const t = await signedIn('admin');
    await markConnected(t);
    const confirm = await t.request('/embed/disconnect', {
      headers: { Cookie: t.cookie, 'HX-Request': 'true' },
    });
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('hx-post="/embed/disconnect"');
    const post = (origin?: string) =>
      t.request('/embed/disconnect', {
        method: 'POST',
        headers: {
          Cookie: t.cookie,
          'HX-Request': 'true',
          'Content-Type': 'application/x-www-form-urlencoded',
          ...(origin ? { Origin: origin } : {}),
        },
        body: 'data=keep',
      });
    expect((await post('https://portal.example.com')).status).toBe(403);
    const res = await post();
    expect(res.status).toBe(200);
    const card = await res.text();
    expect(card).toContain('Not connected');
    // The frame's card reports what Disconnect ended at BlueJeans too (here: no credentials were held).
    expect(card).toContain('What Disconnect ended at BlueJeans');
    expect(card).toContain('Seatwise held no credentials.');
    // The audit log names the host portal's user.
    const audit = await listAudit(t.deps.db, { orgId: 'local' });
    expect(audit.map((a) => a.actor)).toContain('embed:user-1');
  });

  it('refuses a Disconnect without an explicit data choice with 400, staying connected', async () => {
    const t = await signedIn('admin');
    await markConnected(t);
    for (const body of [undefined, '', 'data=shred']) {
      const res = await t.request('/embed/disconnect', {
        method: 'POST',
        headers: { Cookie: t.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
        ...(body === undefined ? {} : { body }),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('keep or delete');
    }
    const row = await getOrCreateConnection(t.deps.db, 'local', 'bluejeans');
    expect(row.state).toBe('connected');
  });
});

describe('Sync now inside the frame', () => {
  const post = (t: Awaited<ReturnType<typeof signedIn>>) =>
    t.request('/embed/sync', { method: 'POST', headers: { Cookie: t.cookie, 'HX-Request': 'true' } });

  it('is refused to viewers', async () => {
    const t = await signedIn('viewer');
    await markConnected(t);
    expect((await post(t)).status).toBe(403);
  });

  it('answers an admin 409 with the reason when there is nothing to sync', async () => {
    const t = await signedIn('admin');
    const res = await post(t);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('BlueJeans is not connected, so there is nothing to sync');
  });

  it('points the admin card’s Sync now at the embed route', async () => {
    const t = await signedIn('admin');
    await markConnected(t);
    await t.deps.db
      .update(connections)
      .set({ sealedCredentials: 'sealed-placeholder-never-opened' })
      .where(eq(connections.orgId, 'local'));
    const html = await (await t.request('/embed/card', { headers: { Cookie: t.cookie } })).text();
    expect(html).toContain('hx-post="/embed/sync"');
    expect(html).not.toContain('/connections/bluejeans/sync');
  });
});

describe('session edges', () => {
  it('ends every session when EMBED_SECRET changes', async () => {
    const t = await signedIn();
    const claims = { org: 'local', sub: 'u', role: 'admin' as const, exp: 0 };
    const now = t.clock.now();
    const sealed = await sealSession(claims, 'another-secret-0123456789-abcdefghijklmn', now);
    expect(await openSession(sealed, 'another-secret-0123456789-abcdefghijklmn', now)).toMatchObject({
      sub: 'u',
      role: 'admin',
    });
    expect(await openSession(sealed, SECRET, now)).toBeUndefined();
    const res = await t.request('/embed/card', { headers: { Cookie: `${COOKIE_NAME}=${sealed}` } });
    expect(res.status).toBe(401);
  });

  it('keeps local mode to this machine on /embed/* too', async () => {
    const t = await signedIn();
    const res = await t.app.request('https://seatwise.example.com/embed/card', {
      headers: { Cookie: t.cookie },
    });
    expect(res.status).toBe(403);
  });

  it('treats only /embed and /embed/* as embed paths', () => {
    expect(isEmbedPath('/embed/card')).toBe(true);
    expect(isEmbedPath('/embed')).toBe(true);
    for (const p of ['/embedded', '/embed-card', '/', '/connections/embed/card'])
      expect(isEmbedPath(p)).toBe(false);
  });
});
