import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../sim/index';
import { appToken, get, makeSim, tokenRequest, userToken } from './helpers';

const REDIRECT = 'http://127.0.0.1:8787/connections/bluejeans/callback?x=1';

function authorizeForm(sim: Simulator, overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    clientId: sim.credentials.appKey,
    redirectUri: REDIRECT,
    state: 'st4te',
    scope: 'meeting_history,user_info,list_meetings',
    responseType: 'code',
    appName: 'Seatwise',
    username: sim.credentials.adminUser.username,
    password: sim.credentials.adminUser.password,
    decision: 'allow',
    ...overrides,
  });
}

async function authorize(sim: Simulator, overrides: Record<string, string> = {}): Promise<Response> {
  return sim.fetch(
    new Request('http://sim/oauth2/authorize', { method: 'POST', body: authorizeForm(sim, overrides) }),
  );
}

async function codeFor(sim: Simulator, overrides: Record<string, string> = {}): Promise<string> {
  const res = await authorize(sim, overrides);
  expect(res.status).toBe(302);
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error('no code');
  return code;
}

function exchange(sim: Simulator, code: string, redirectUri = REDIRECT): Promise<Response> {
  return tokenRequest(
    sim,
    {
      grant_type: 'authorization_code',
      client_id: sim.credentials.appKey,
      client_secret: sim.credentials.appSecret,
      code,
      redirectUri,
    },
    'Code',
  );
}

describe('token grants', () => {
  it('client_credentials names the enterprise; the SDK query keys do not change the grant', async () => {
    const { sim } = makeSim();
    const body = {
      grant_type: 'client_credentials',
      client_id: 'demo-app-key',
      client_secret: 'demo-app-secret',
    };
    for (const key of ['', 'Client', 'Password']) {
      const res = await tokenRequest(sim, body, key);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const json = (await res.json()) as { expires_in: number; scope: { enterprise: number } };
      expect(json.expires_in).toBe(3600);
      expect(String(json.scope.enterprise)).toBe(sim.enterpriseId);
    }
    expect(sim.control.stats().tokenRequests).toBe(3);
    expect(sim.control.stats().tokenRequestsByGrant).toEqual({ client_credentials: 3 });
  });

  it('accepts form-encoded bodies too', async () => {
    const { sim } = makeSim();
    const res = await sim.fetch(
      new Request('http://sim/oauth2/token', {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'demo-app-key',
          client_secret: 'demo-app-secret',
        }),
      }),
    );
    expect(res.status).toBe(200);
  });

  it('password grants: admins get the enterprise in scope, plain users do not', async () => {
    const { sim } = makeSim();
    const admin = (await (
      await tokenRequest(sim, { grant_type: 'password', ...sim.credentials.adminUser })
    ).json()) as {
      scope: { user: number; enterprise?: number };
    };
    const plain = (await (
      await tokenRequest(sim, { grant_type: 'password', ...sim.credentials.plainUser })
    ).json()) as {
      scope: { user: number; enterprise?: number };
    };
    expect(String(admin.scope.enterprise)).toBe(sim.enterpriseId);
    expect(plain.scope.enterprise).toBeUndefined();
    // The plain user finds the enterprise through its profile.
    const token = await userToken(sim, 'plain');
    const profile = (await (
      await get(sim, `/v1/user/${plain.scope.user}/enterprise_profile`, token)
    ).json()) as {
      enterprise: number;
      enterpriseAdmin: boolean;
    };
    expect(String(profile.enterprise)).toBe(sim.enterpriseId);
    expect(profile.enterpriseAdmin).toBe(false);
  });

  it('the Authorization header wins over the access_token query parameter', async () => {
    const { sim } = makeSim();
    const good = await appToken(sim);
    const users = `/v1/enterprise/${sim.enterpriseId}/users`;
    const viaQuery = await sim.fetch(new Request(`http://sim${users}?access_token=${good}`));
    expect(viaQuery.status).toBe(200);
    const headerWins = await sim.fetch(
      new Request(`http://sim${users}?access_token=${good}`, { headers: { authorization: 'Bearer bogus' } }),
    );
    expect(headerWins.status).toBe(401);
    const headerGood = await sim.fetch(
      new Request(`http://sim${users}?access_token=bogus`, { headers: { authorization: `Bearer ${good}` } }),
    );
    expect(headerGood.status).toBe(200);
  });
});

describe('token lifetime and revocation', () => {
  it('tokens expire after the configured lifetime (injected clock)', async () => {
    const { sim, clock } = makeSim({ tokenTtlSeconds: 120 });
    const token = await appToken(sim);
    const users = `/v1/enterprise/${sim.enterpriseId}/users`;
    clock.advance(119_000);
    expect((await get(sim, users, token)).status).toBe(200);
    clock.advance(1_000);
    const expired = await get(sim, users, token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    expect(((await expired.json()) as { message: string }).message).toMatch(/expired/);
    const info = await get(sim, `/oauth2/tokenInfo?access_token=${token}`);
    expect(info.status).toBe(401);
  });

  it('the lifetime can change at run time for new tokens', async () => {
    const { sim, clock } = makeSim();
    sim.control.setFaults({ tokenTtlSeconds: 5 });
    const res = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: 'demo-app-key',
      client_secret: 'demo-app-secret',
    });
    const { access_token, expires_in } = (await res.json()) as { access_token: string; expires_in: number };
    expect(expires_in).toBe(5);
    clock.advance(5_000);
    expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/users`, access_token)).status).toBe(401);
  });

  it('DELETE /oauth2/token revokes a token; revoking twice is a 400', async () => {
    const { sim } = makeSim();
    const token = await userToken(sim, 'admin');
    const del = await sim.fetch(
      new Request(`http://sim/oauth2/token?Revoke&access_token=${token}`, { method: 'DELETE' }),
    );
    expect(del.status).toBe(204);
    const after = await get(sim, `/v1/enterprise/${sim.enterpriseId}/users`, token);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { message: string }).message).toMatch(/revoked/);
    const again = await sim.fetch(
      new Request(`http://sim/oauth2/token?access_token=${token}`, { method: 'DELETE' }),
    );
    expect(again.status).toBe(400);
  });

  it('tokenInfo reports the user of a user token and the enterprise of an app token', async () => {
    const { sim } = makeSim();
    const admin = (await (
      await get(sim, `/oauth2/tokenInfo?access_token=${await userToken(sim, 'admin')}`)
    ).json()) as {
      user: number;
      expires_in: number;
    };
    expect(admin.user).toBeGreaterThan(0);
    expect(admin.expires_in).toBe(3600);
    const app = (await (await get(sim, `/oauth2/tokenInfo?access_token=${await appToken(sim)}`)).json()) as {
      enterprise: number;
    };
    expect(String(app.enterprise)).toBe(sim.enterpriseId);
  });
});

describe('enterprise access', () => {
  it('non-admin tokens get 403 on enterprise endpoints; other enterprises are refused', async () => {
    const { sim } = makeSim();
    const plain = await userToken(sim, 'plain');
    const admin = await userToken(sim, 'admin');
    const app = await appToken(sim);
    for (const path of ['users', 'indigo/meetings', 'meeting_history']) {
      expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/${path}`, plain)).status).toBe(403);
      expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/${path}`, admin)).status).toBe(200);
      expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/${path}`, app)).status).toBe(200);
      const other = await get(sim, `/v1/enterprise/${Number(sim.enterpriseId) + 1}/${path}`, app);
      expect(other.status).toBe(403);
      expect(((await other.json()) as { message: string }).message).toMatch(/enterprise/);
    }
  });
});

describe('the 3-legged flow', () => {
  it('renders a login + consent page for the browser', async () => {
    const { sim } = makeSim();
    const q = new URLSearchParams({
      clientId: sim.credentials.appKey,
      redirectUri: REDIRECT,
      state: 'abc',
      scope: 'meeting_history',
      responseType: 'code',
      appName: 'Seatwise <test>',
    });
    const res = await get(sim, `/oauth2/authorize?${q}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('<form method="post" action="/oauth2/authorize">');
    expect(page).toContain('value="demo.admin"');
    expect(page).toContain('Seatwise &lt;test&gt;');
    expect(page).toContain('name="decision" value="deny"');
    expect(
      (await get(sim, `/oauth2/authorize?clientId=unknown&redirectUri=${encodeURIComponent(REDIRECT)}`))
        .status,
    ).toBe(400);
    expect(
      (await get(sim, `/oauth2/authorize?clientId=demo-app-key&redirectUri=javascript:alert(1)`)).status,
    ).toBe(400);
  });

  it('allow redirects back with code and state; the code works once', async () => {
    const { sim } = makeSim();
    const res = await authorize(sim);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(
      'http://127.0.0.1:8787/connections/bluejeans/callback',
    );
    expect(location.searchParams.get('x')).toBe('1');
    expect(location.searchParams.get('state')).toBe('st4te');
    const code = location.searchParams.get('code') ?? '';
    const first = await exchange(sim, code);
    expect(first.status).toBe(200);
    const body = (await first.json()) as {
      access_token: string;
      refresh_token: string;
      scope: { bearerPermissions: string; clientId: string };
    };
    expect(body.scope.bearerPermissions).toBe('meeting_history,user_info,list_meetings');
    expect(body.scope.clientId).toBe(sim.credentials.appKey);
    expect(
      (await get(sim, `/v1/enterprise/${sim.enterpriseId}/meeting_history`, body.access_token)).status,
    ).toBe(200);
    const second = await exchange(sim, code);
    expect(second.status).toBe(401);
  });

  it('codes expire after 30 seconds', async () => {
    const { sim, clock } = makeSim();
    const code = await codeFor(sim);
    clock.advance(30_001);
    expect((await exchange(sim, code)).status).toBe(401);
    const fresh = await codeFor(sim);
    clock.advance(29_000);
    expect((await exchange(sim, fresh)).status).toBe(200);
  });

  it('the redirectUri must match, and wrong credentials re-render the form', async () => {
    const { sim } = makeSim();
    expect((await exchange(sim, await codeFor(sim), 'http://elsewhere.example/cb')).status).toBe(401);
    const wrong = await authorize(sim, { password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Incorrect username or password');
  });

  it('deny redirects with error=access_denied', async () => {
    const { sim } = makeSim();
    const res = await authorize(sim, { decision: 'deny' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st4te');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('scopes limit what a 3-legged token reaches; non-admin consent cannot read the enterprise', async () => {
    const { sim } = makeSim();
    const narrow = (await (await exchange(sim, await codeFor(sim, { scope: 'user_info' }))).json()) as {
      access_token: string;
    };
    expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/users`, narrow.access_token)).status).toBe(
      200,
    );
    expect(
      (await get(sim, `/v1/enterprise/${sim.enterpriseId}/meeting_history`, narrow.access_token)).status,
    ).toBe(403);
    const plain = (await (
      await exchange(
        sim,
        await codeFor(sim, {
          username: sim.credentials.plainUser.username,
          password: sim.credentials.plainUser.password,
        }),
      )
    ).json()) as { access_token: string };
    expect(
      (await get(sim, `/v1/enterprise/${sim.enterpriseId}/meeting_history`, plain.access_token)).status,
    ).toBe(403);
  });

  it('refresh rotates tokens; the old refresh token is spent', async () => {
    const { sim, clock } = makeSim({ tokenTtlSeconds: 60 });
    const first = (await (await exchange(sim, await codeFor(sim))).json()) as {
      access_token: string;
      refresh_token: string;
    };
    clock.advance(61_000);
    expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/users`, first.access_token)).status).toBe(401);
    const refresh = (body: Record<string, string>) =>
      tokenRequest(
        sim,
        { grant_type: 'refresh_token', client_id: 'demo-app-key', client_secret: 'demo-app-secret', ...body },
        'Refresh',
      );
    const res = await refresh({ refresh_token: first.refresh_token });
    expect(res.status).toBe(200);
    const second = (await res.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/users`, second.access_token)).status).toBe(
      200,
    );
    expect((await refresh({ refresh_token: first.refresh_token })).status).toBe(401);
  });

  it('3-legged tokens are revoked with the client credentials in the body', async () => {
    const { sim } = makeSim();
    const t = (await (await exchange(sim, await codeFor(sim))).json()) as { access_token: string };
    const bare = await sim.fetch(
      new Request(`http://sim/oauth2/token?access_token=${t.access_token}`, { method: 'DELETE' }),
    );
    expect(bare.status).toBe(400);
    const withClient = await sim.fetch(
      new Request(`http://sim/oauth2/token?Revoke&access_token=${t.access_token}`, {
        method: 'DELETE',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'demo-app-key', client_secret: 'demo-app-secret' }),
      }),
    );
    expect(withClient.status).toBe(204);
    expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/users`, t.access_token)).status).toBe(401);
  });
});
