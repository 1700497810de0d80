/**
 * Disconnect ends every grant at BlueJeans (access token, refresh token, granted application) and
 * reports each outcome, in words, on the card and in the activity log.
 */
import { describe, expect, it } from 'vitest';
import { connectionTokens } from '../../db/schema';
import { listAudit } from '../../src/connections/audit';
import { openCredentials } from '../../src/connections/credentials';
import { OAUTH_COOKIE } from '../../src/connections/oauth-flow';
import type { FetchLike } from '../../src/connectors/types';
import { connectionVault } from '../../src/lib/vault';
import { runSlice } from '../../src/sync/slice';
import { cookieFrom, inputValue, type SimApp, simApp } from './support';

/** Connects through "Sign in with BlueJeans": form, BlueJeans' consent page, callback, Confirm. */
async function connectWithOAuth(s: SimApp) {
  const started = await s.post('/connections/bluejeans', {
    method: 'oauth',
    appKey: s.sim.credentials.appKey,
    appSecret: s.sim.credentials.appSecret,
  });
  const authorize = new URL(started.headers.get('location')!);
  const form = new URLSearchParams({
    ...Object.fromEntries(authorize.searchParams),
    username: s.sim.credentials.adminUser.username,
    password: s.sim.credentials.adminUser.password,
    decision: 'allow',
  });
  const consented = await s.sim.fetch(
    new Request(`${authorize.origin}/oauth2/authorize`, { method: 'POST', body: form }),
  );
  const back = new URL(consented.headers.get('location')!);
  const callback = await s.get(`${back.pathname}${back.search}`, {
    cookie: cookieFrom(started, OAUTH_COOKIE)!,
  });
  const pending = callback.headers.getSetCookie().find((v) => v.startsWith('seatwise_oauth_pending='))!;
  const consent = await (
    await s.get('/connections/bluejeans/oauth/consent', { cookie: pending.split(';')[0]! })
  ).text();
  const confirm = await s.post('/connections/bluejeans/confirm', {
    pending: inputValue(consent, 'pending')!,
  });
  expect(confirm.status).toBe(303);
  const row = await s.connection();
  expect(row.authMethod).toBe('oauth');
  return row;
}

/** Every refresh and access token Seatwise holds for the connection right now (credentials and cache). */
async function heldTokens(s: SimApp) {
  const row = await s.connection();
  const binding = { orgId: row.orgId, connectionId: row.id };
  const credentials = await openCredentials(s.deps.db, s.deps.sealer, binding, row.sealedCredentials!);
  if (credentials.method !== 'oauth') throw new Error('not an OAuth connection');
  const refresh = new Set([credentials.refreshToken]);
  const access = new Set<string>();
  for (const t of await s.deps.db.select().from(connectionTokens)) {
    const grant = JSON.parse(
      await connectionVault(s.deps.db, s.deps.sealer, binding).unseal(t.sealedToken, 'token'),
    );
    if (grant.refreshToken) refresh.add(grant.refreshToken);
    access.add(grant.accessToken);
  }
  return { refresh: [...refresh], access: [...access] };
}

function refreshAtBlueJeans(s: SimApp, refreshToken: string) {
  return s.sim.fetch(
    new Request('http://sim.test/oauth2/token?Refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        client_id: s.sim.credentials.appKey,
        client_secret: s.sim.credentials.appSecret,
        refresh_token: refreshToken,
      }),
    }),
  );
}

describe('Disconnect revokes every grant', () => {
  it('after Disconnect the simulator refuses the old refresh token', async () => {
    const s = await simApp();
    const row = await connectWithOAuth(s);
    // A sync mints from the refresh token (which rotates) and caches the access token.
    await runSlice(s.deps, { connectionId: row.id, trigger: 'manual', options: { requestBudget: 3 } });
    const held = await heldTokens(s);
    expect(held.access.length).toBe(1);

    const res = await s.post('/connections/bluejeans/disconnect', { data: 'keep' });
    expect(res.status).toBe(303);

    // grant_type=refresh_token fails for every refresh token Seatwise ever held for it...
    for (const refreshToken of held.refresh) {
      const refused = await refreshAtBlueJeans(s, refreshToken);
      expect(refused.status).toBe(401);
    }
    // ...and the access token is refused too.
    for (const token of held.access) {
      expect(
        (await s.sim.fetch(new Request(`http://sim.test/oauth2/tokenInfo?access_token=${token}`))).status,
      ).toBe(401);
    }
    expect(s.sim.control.stats().byOperation.revokeGrantedApplication).toBe(1);

    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      accessOutcome: 'revoked',
      renewalOutcome: 'revoked',
      grantOutcome: 'revoked',
    });
    const card = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    for (const label of ['Access token', 'Refresh token', 'Granted application']) {
      expect(card).toMatch(new RegExp(`data-outcome="revoked"[^>]*>\\s*<strong>${label}</strong>`));
    }
    expect(card).toContain('Ended with the granted application.');
    const log = await (await s.get('/connections/bluejeans/audit')).text();
    expect(log).toContain('Granted application');
    expect(log).toContain('revoked at BlueJeans');
    expect(log).not.toContain('renewalOutcome');
  });

  it('with no live cached token, mints one from the refresh token to remove the grant', async () => {
    const s = await simApp();
    const row = await connectWithOAuth(s);
    const { refresh } = await heldTokens(s);
    expect(await s.deps.db.select().from(connectionTokens)).toEqual([]);

    expect((await s.post('/connections/bluejeans/disconnect', { data: 'keep' })).status).toBe(303);
    expect(s.sim.control.stats().tokenRequestsByGrant).toMatchObject({ refresh_token: 1 });
    expect(s.sim.control.stats().byOperation.revokeGrantedApplication).toBe(1);
    for (const r of refresh) expect((await refreshAtBlueJeans(s, r)).status).toBe(401);
    const audit = await listAudit(s.deps.db, { orgId: 'local', connectionId: row.id });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ grantOutcome: 'revoked', accessOutcome: 'revoked' });
  });

  it('reports a failed grant removal with its reason, and still disconnects', async () => {
    const s = await simApp();
    await connectWithOAuth(s);
    const { refresh } = await heldTokens(s);
    const simFetch: FetchLike = (input, init) => s.sim.fetch(new Request(input, init));
    s.breakNetwork(async (input, init) => {
      const req = new Request(input, init);
      if (req.method === 'DELETE' && new URL(req.url).pathname.includes('/granted_applications/')) {
        return new Response(JSON.stringify({ message: 'Internal server error' }), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        });
      }
      return simFetch(req);
    });
    expect((await s.post('/connections/bluejeans/disconnect', { data: 'keep' })).status).toBe(303);
    expect((await s.connection()).state).toBe('disconnected');
    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    const detail = JSON.parse(audit[0]!.detail);
    expect(detail).toMatchObject({
      grantOutcome: 'failed',
      renewalOutcome: 'failed',
      accessOutcome: 'revoked',
    });
    expect(detail.grantReason).toContain('BlueJeans answered with a server error');
    expect(detail.grantReason).toContain('remove Seatwise from the user’s authorized applications');
    const card = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(card).toMatch(
      /data-outcome="failed"[^>]*>\s*<strong>Granted application<\/strong>: <span[^>]*>could not be revoked/,
    );
    // The simulator still lists the grant: the report told the truth.
    const admin = (await (
      await s.sim.fetch(
        new Request('http://sim.test/oauth2/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'password', ...s.sim.credentials.adminUser }),
        }),
      )
    ).json()) as { access_token: string; scope: { user: number } };
    const listed = await s.sim.fetch(
      new Request(`http://sim.test/v1/user/${admin.scope.user}/granted_applications`, {
        headers: { Authorization: `Bearer ${admin.access_token}` },
      }),
    );
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ clientId: s.sim.credentials.appKey });
    // No secret on the card or in the log.
    const log = await (await s.get('/connections/bluejeans/audit')).text();
    for (const r of refresh) {
      expect(card).not.toContain(r);
      expect(log).not.toContain(r);
    }
    expect(log).not.toContain(s.sim.credentials.appSecret);
  });
});
