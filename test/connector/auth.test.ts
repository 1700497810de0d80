import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { connectionTokens } from '../../db/schema';
import { ConnectorError, type Credentials } from '../../src/connectors/types';
import { createSealer, generateKeyEntry, parseKeyRing } from '../../src/lib/seal';
import { connectionVault } from '../../src/lib/vault';
import { bjEnv, ORIGIN, walk } from './support';

type Env = Awaited<ReturnType<typeof bjEnv>>;

async function caught(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConnectorError) return e;
    throw e;
  }
  throw new Error('expected a ConnectorError');
}

/** Plays the browser: opens the authorize URL's consent form and submits it; returns code and state. */
async function consent(env: Env, url: string, user = env.sim.credentials.adminUser) {
  const u = new URL(url);
  const form = new URLSearchParams();
  for (const k of ['clientId', 'redirectUri', 'state', 'scope', 'responseType', 'appName']) {
    form.set(k, u.searchParams.get(k) ?? '');
  }
  form.set('username', user.username);
  form.set('password', user.password);
  form.set('decision', 'allow');
  const res = await env.raw(`${ORIGIN}/oauth2/authorize`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location') ?? '');
  return { code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' };
}

const REDIRECT = 'https://seatwise.example/connections/bluejeans/callback';

describe('App Key / App Secret (client_credentials)', () => {
  it('mints once, learns the enterprise from scope.enterprise, and caches the token sealed', async () => {
    const env = await bjEnv();
    const session = env.connector.session(env.stored());
    expect(await session.accountId()).toBe(env.sim.enterpriseId);
    await walk(session.users().start());
    expect(env.sim.control.stats().tokenRequestsByGrant).toEqual({ client_credentials: 1 });

    const rows = await env.db
      .select()
      .from(connectionTokens)
      .where(eq(connectionTokens.connectionId, env.conn.id));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.expiresAt).toBe(env.clock.now() + 3600_000);
    // Sealed: the token is not readable in the row, and only unseals for this connection and purpose.
    const plain = JSON.parse(
      await connectionVault(env.db, env.sealer, { ...env.conn, connectionId: env.conn.id }).unseal(
        row.sealedToken,
        'token',
      ),
    );
    expect(row.sealedToken).not.toContain(plain.accessToken);
    await expect(
      connectionVault(env.db, env.sealer, { orgId: env.conn.orgId, connectionId: env.conn.id }).unseal(
        row.sealedToken,
        'credentials',
      ),
    ).rejects.toThrow();

    // A later invocation (new connector, new session) reuses the cached token.
    await walk(env.make().session(env.stored()).users().start());
    expect(env.sim.control.stats().tokenRequests).toBe(1);
  });

  it('mints again before expires_in runs out, without ever sending an expired token', async () => {
    const env = await bjEnv({ sim: { tokenTtlSeconds: 600 } });
    const session = env.connector.session(env.stored());
    await walk(session.users().start());
    const first = await session.tokenExpiresAt();
    // Margin: a fifth of a 10-minute lifetime. Still fresh 470 s in...
    env.clock.advance(470_000);
    await walk(session.users().start());
    expect(env.sim.control.stats().tokenRequests).toBe(1);
    // ...renewed 490 s in, 110 s before it would expire.
    env.clock.advance(20_000);
    await walk(session.users().start());
    const stats = env.sim.control.stats();
    expect(stats.tokenRequests).toBe(2);
    expect(stats.byStatus['401']).toBeUndefined();
    expect(await session.tokenExpiresAt()).toBeGreaterThan(first);
  });

  it('a cached token BlueJeans refuses is dropped and re-minted once, then the walk goes on', async () => {
    const env = await bjEnv();
    const session = env.connector.session(env.stored());
    await session.accountId();
    // Revoking the app kills its tokens; restoring it lets a new mint succeed.
    env.sim.control.revokeApp(env.sim.credentials.appKey);
    env.sim.control.restoreApp(env.sim.credentials.appKey);
    const fresh = env.make().session(env.stored());
    const w = await walk(fresh.users().start());
    expect(w.records).toHaveLength(40);
    const stats = env.sim.control.stats();
    expect(stats.byStatus['401']).toBe(1);
    expect(stats.tokenRequests).toBe(2);
  });

  it('revoked credentials end in an auth error after one re-mint attempt', async () => {
    const env = await bjEnv();
    const session = env.connector.session(env.stored());
    await session.accountId();
    env.sim.control.revokeApp(env.sim.credentials.appKey);
    const e = await caught(walk(session.users().start()));
    expect([e.kind, e.code, e.field]).toEqual(['auth', 'invalid_credentials', 'appSecret']);
    const stats = env.sim.control.stats();
    // 401 on data, one re-mint refused with 401; nothing retried blindly.
    expect(stats.byOperation.searchUsers).toBe(1);
    expect(stats.tokenRequests).toBe(2);
  });
});

describe('user login (password grant)', () => {
  it('gets a token, then the enterprise from enterprise_profile', async () => {
    const env = await bjEnv();
    const creds: Credentials = { method: 'password', ...env.sim.credentials.adminUser };
    const session = env.connector.session(env.stored(creds));
    expect(await session.accountId()).toBe(env.sim.enterpriseId);
    const w = await walk(session.users().start());
    expect(w.records).toHaveLength(40);
    const stats = env.sim.control.stats();
    expect(stats.tokenRequestsByGrant).toEqual({ password: 1 });
    expect(stats.byOperation.getEnterpriseProfile).toBe(1);
  });

  it('a wrong password is an auth error on the password field, without the password in it', async () => {
    const env = await bjEnv();
    const creds: Credentials = {
      method: 'password',
      username: 'demo.admin',
      password: 'not-the-password-123',
    };
    const e = await caught(env.connector.verify(creds));
    expect([e.kind, e.code, e.field]).toEqual(['auth', 'invalid_credentials', 'password']);
    expect(`${e.message}${JSON.stringify(e.options)}`).not.toContain('not-the-password-123');
  });
});

describe('pasted personal access token', () => {
  async function userToken(env: Env) {
    const res = await env.raw(`${ORIGIN}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', ...env.sim.credentials.adminUser }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }

  it('is checked with tokenInfo and reports when it expires', async () => {
    const env = await bjEnv({ sim: { tokenTtlSeconds: 7200 } });
    const accessToken = await userToken(env);
    const info = await env.connector.verify({ method: 'access_token', accessToken });
    expect(info).toEqual({
      enterpriseId: env.sim.enterpriseId,
      // getUser gives the username; the simulator does not serve it (yet), so the id stands in.
      accountLabel: expect.stringMatching(/^(demo\.admin|BlueJeans user \d+)$/),
      credentialsExpireAt: env.clock.now() + 7200_000,
    });
    const w = await walk(
      env.connector
        .session(env.stored({ method: 'access_token', accessToken }))
        .users()
        .start(),
    );
    expect(w.records).toHaveLength(40);
    expect(env.sim.control.stats().byOperation.getTokenInfo).toBe(2);
  });

  it('once expired, asks for a new token (auth error on the token field)', async () => {
    const env = await bjEnv({ sim: { tokenTtlSeconds: 60 } });
    const accessToken = await userToken(env);
    const session = env.connector.session(env.stored({ method: 'access_token', accessToken }));
    await session.accountId();
    env.clock.advance(61_000);
    const e = await caught(walk(session.users().start()));
    expect([e.kind, e.code, e.field]).toEqual(['auth', 'token_expired', 'accessToken']);
    expect(e.message).toMatch(/paste/i);
    const v = await caught(env.connector.verify({ method: 'access_token', accessToken }));
    expect(v.code).toBe('token_expired');
  });
});

describe('Sign in with BlueJeans (3-legged)', () => {
  it('builds the authorize URL from config with a signed state, exchanges the code and refreshes', async () => {
    const rotated = vi.fn(async () => undefined);
    const env = await bjEnv({ sim: { tokenTtlSeconds: 600 }, deps: { onCredentialsRotated: rotated } });
    const { appKey, appSecret } = env.sim.credentials;
    const auth = await env.connector.authorizeUrl({
      orgId: env.conn.orgId,
      connectionId: env.conn.id,
      redirectUri: REDIRECT,
      appKey,
    });
    const url = new URL(auth.url);
    expect(url.origin + url.pathname).toBe(`${ORIGIN}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      clientId: appKey,
      redirectUri: REDIRECT,
      state: auth.state,
      responseType: 'code',
      scope: 'user_info,meeting_history,list_meetings',
    });
    expect(auth.expiresAt).toBe(env.clock.now() + 600_000);

    const { code, state } = await consent(env, auth.url);
    expect(state).toBe(auth.state);
    const done = await env.connector.exchangeCode({ orgId: env.conn.orgId, state, code, appKey, appSecret });
    expect(done.connectionId).toBe(env.conn.id);
    expect(done.account).toEqual({
      enterpriseId: env.sim.enterpriseId,
      accountLabel: expect.stringMatching(/^(demo\.admin|BlueJeans user \d+)$/),
    });
    expect(done.credentials).toMatchObject({ method: 'oauth', appKey, appSecret });

    // Sessions refresh; refresh tokens rotate and each is single-use, so the newest must be used.
    const session = env.connector.session(env.stored(done.credentials));
    await walk(session.users().start());
    env.clock.advance(600_000);
    await walk(session.meetings({ from: Date.UTC(2026, 0, 3), to: Date.UTC(2026, 0, 4) }).start());
    env.clock.advance(600_000);
    await walk(env.make().session(env.stored(done.credentials)).users().start());
    expect(env.sim.control.stats().tokenRequestsByGrant).toEqual({ authorization_code: 1, refresh_token: 3 });
    expect(rotated).toHaveBeenCalledTimes(3);
  });

  it('revokes a 3-legged token on disconnect, naming its client as the spec asks', async () => {
    const env = await bjEnv();
    const { appKey, appSecret } = env.sim.credentials;
    const auth = await env.connector.authorizeUrl({ orgId: env.conn.orgId, redirectUri: REDIRECT, appKey });
    const { code, state } = await consent(env, auth.url);
    const done = await env.connector.exchangeCode({ orgId: env.conn.orgId, state, code, appKey, appSecret });
    await env.connector.session(env.stored(done.credentials)).accountId();
    expect(await env.connector.revoke(env.stored(done.credentials))).toMatchObject({
      revoked: true,
      grantedApplication: { status: 'revoked' },
      refreshToken: { status: 'revoked' },
      accessToken: { status: 'revoked' },
    });
    // The grant removal ends the access token too, so revoking that is a 400 ("already revoked").
    expect(env.sim.control.stats().byOperation).toMatchObject({
      revokeGrantedApplication: 1,
      revokeAccessToken: 1,
    });
    expect(env.sim.control.stats().byStatus['204']).toBe(1);
  });

  it('a sign-in that did not grant every scope asks to reconnect and allow them', async () => {
    const env = await bjEnv();
    const { appKey, appSecret } = env.sim.credentials;
    const auth = await env.connector.authorizeUrl({
      orgId: env.conn.orgId,
      redirectUri: REDIRECT,
      appKey,
      scopes: ['user_info'],
    });
    const { code, state } = await consent(env, auth.url);
    const done = await env.connector.exchangeCode({ orgId: env.conn.orgId, state, code, appKey, appSecret });
    const e = await caught(
      walk(env.connector.session(env.stored(done.credentials)).meetings(env.range).start()),
    );
    expect([e.kind, e.code]).toEqual(['auth', 'invalid_credentials']);
    expect(e.message).toMatch(/allow all/);
  });

  it('a state issued before a seal key rotation still verifies after it', async () => {
    const env = await bjEnv();
    const { appKey, appSecret } = env.sim.credentials;
    const k1 = generateKeyEntry(Date.UTC(2026, 0, 1));
    const k2 = generateKeyEntry(Date.UTC(2026, 0, 2));
    const before = env.make({ sealer: createSealer(parseKeyRing(k1)) });
    const after = env.make({ sealer: createSealer(parseKeyRing(`${k1},${k2}`)) });
    const auth = await before.authorizeUrl({ orgId: env.conn.orgId, redirectUri: REDIRECT, appKey });
    const { code, state } = await consent(env, auth.url);
    const done = await after.exchangeCode({ orgId: env.conn.orgId, state, code, appKey, appSecret });
    expect(done.account.enterpriseId).toBe(env.sim.enterpriseId);
  });

  it('a refresh that fails with 401 means reconnect (auth error)', async () => {
    const env = await bjEnv();
    const { appKey, appSecret } = env.sim.credentials;
    const auth = await env.connector.authorizeUrl({ orgId: env.conn.orgId, redirectUri: REDIRECT, appKey });
    const { code, state } = await consent(env, auth.url);
    const done = await env.connector.exchangeCode({ orgId: env.conn.orgId, state, code, appKey, appSecret });
    // The refresh token was never used by Seatwise, but someone revoked the app meanwhile.
    env.sim.control.revokeApp(appKey);
    env.sim.control.restoreApp(appKey);
    const e = await caught(env.connector.session(env.stored(done.credentials)).accountId());
    expect([e.kind, e.code]).toEqual(['auth', 'token_revoked']);
    expect(e.message).toMatch(/Reconnect/);
  });

  it('refuses a code used twice or older than 30 seconds', async () => {
    const env = await bjEnv();
    const { appKey, appSecret } = env.sim.credentials;
    const start = () => env.connector.authorizeUrl({ orgId: env.conn.orgId, redirectUri: REDIRECT, appKey });
    const a = await consent(env, (await start()).url);
    await env.connector.exchangeCode({ orgId: env.conn.orgId, ...a, appKey, appSecret });
    // Reuse: a valid, unused state but the spent code.
    const b = await start();
    const reuse = await caught(
      env.connector.exchangeCode({ orgId: env.conn.orgId, state: b.state, code: a.code, appKey, appSecret }),
    );
    expect([reuse.kind, reuse.code]).toEqual(['auth', 'code_invalid']);
    // Expiry: the code waits 31 s before being exchanged.
    const c = await consent(env, (await start()).url);
    env.clock.advance(31_000);
    const late = await caught(env.connector.exchangeCode({ orgId: env.conn.orgId, ...c, appKey, appSecret }));
    expect([late.kind, late.code]).toEqual(['auth', 'code_invalid']);
    expect(late.message).toMatch(/30 seconds/);
  });

  it('state: tampered, replayed, expired or from another organization all fail clearly', async () => {
    const env = await bjEnv();
    const { appKey, appSecret } = env.sim.credentials;
    const orgId = env.conn.orgId;
    const start = () => env.connector.authorizeUrl({ orgId, redirectUri: REDIRECT, appKey });
    const exchange = (state: string, code = 'x', org = orgId) =>
      caught(env.connector.exchangeCode({ orgId: org, state, code, appKey, appSecret }));

    const s1 = await start();
    const [payload, sig] = s1.state.split('.') as [string, string];
    const flipped = `${payload.slice(0, -2)}${payload.at(-2) === 'A' ? 'B' : 'A'}${payload.at(-1)}.${sig}`;
    expect((await exchange(flipped)).code).toBe('state_invalid');
    expect((await exchange(`${payload}.${sig.slice(1)}A`)).code).toBe('state_invalid');
    expect((await exchange('garbage')).code).toBe('state_invalid');
    expect((await exchange(s1.state, 'x', 'another-org')).code).toBe('state_invalid');

    // Replay: the first use consumes it even though the code then fails.
    const first = await consent(env, s1.url);
    await env.connector.exchangeCode({ orgId, ...first, appKey, appSecret });
    const replay = await exchange(s1.state, first.code);
    expect([replay.kind, replay.code]).toEqual(['auth', 'state_replayed']);

    const s2 = await start();
    env.clock.advance(10 * 60_000 + 1);
    const expired = await exchange(s2.state);
    expect([expired.kind, expired.code]).toEqual(['auth', 'state_expired']);
    // No token request was made for any refused state.
    expect(env.sim.control.stats().tokenRequestsByGrant).toEqual({
      authorization_code: 1,
      client_credentials: undefined,
    });
  });
});
