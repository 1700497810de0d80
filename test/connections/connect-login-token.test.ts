import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/connections/audit';
import { openCredentials } from '../../src/connections/credentials';
import { inputValue, type SimApp, simApp } from './support';

/** A user token minted at the simulator, as an admin would create one to paste. */
async function adminToken(s: SimApp): Promise<string> {
  const res = await s.sim.fetch(
    new Request('http://sim.test/oauth2/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', ...s.sim.credentials.adminUser }),
    }),
  );
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('connect with the admin’s BlueJeans login (password grant)', () => {
  it('verifies, asks for consent, and saves the sealed login', async () => {
    const s = await simApp();
    const { username, password } = s.sim.credentials.adminUser;
    const res = await s.post('/connections/bluejeans', {
      method: 'password',
      username: ` ${username} `,
      password,
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('BlueJeans login');
    expect(html).not.toContain(password);
    const confirm = await s.post('/connections/bluejeans/confirm', { pending: inputValue(html, 'pending')! });
    expect(confirm.status).toBe(303);
    const row = await s.connection();
    expect(row.state).toBe('connected');
    expect(row.authMethod).toBe('password');
    expect(JSON.parse(row.publicConfig)).toMatchObject({ method: 'password', username });
    expect(
      await openCredentials(
        s.deps.db,
        s.deps.sealer,
        {
          orgId: 'local',
          connectionId: row.id,
        },
        row.sealedCredentials!,
      ),
    ).toEqual({ method: 'password', username, password });
    // Reconnect prefills the username (never the password) on the same method.
    const form = await (await s.get('/connections/bluejeans/connect')).text();
    expect(form).toContain('name="method" value="password"');
    expect(form).toMatch(
      new RegExp(`<input[^>]*name="username"[^>]*value="${username.replace('.', '\\.')}"`),
    );
    expect(form).not.toMatch(/<input[^>]*name="password"[^>]*value=/);
  });

  it('a wrong password comes back next to the password field, username kept, password not', async () => {
    const s = await simApp();
    const { username } = s.sim.credentials.adminUser;
    const res = await s.post('/connections/bluejeans', {
      method: 'password',
      username,
      password: 'Not-It-42',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="password-error"');
    expect(html).toContain('did not accept this username and password');
    expect(html).toMatch(/<input[^>]*name="username"[^>]*value="/);
    expect(html).not.toContain('Not-It-42');
  });

  it('a user who is not an enterprise admin is told so, next to the username', async () => {
    const s = await simApp();
    const res = await s.post('/connections/bluejeans', {
      method: 'password',
      ...s.sim.credentials.plainUser,
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="username-error"');
    expect(html).toContain('not an enterprise administrator');
    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ code: 'not_enterprise_admin', method: 'password' });
  });

  it('refuses an empty login with messages on both fields', async () => {
    const s = await simApp();
    const res = await s.post('/connections/bluejeans', { method: 'password', username: '  ', password: '' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Enter your BlueJeans username or email.');
    expect(html).toContain('Enter your BlueJeans password.');
  });
});

describe('connect with a pasted personal access token', () => {
  it('checks the token with BlueJeans, shows when it ends, and saves it sealed', async () => {
    const s = await simApp();
    const token = await adminToken(s);
    const res = await s.post('/connections/bluejeans', { method: 'access_token', accessToken: token });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Personal access token');
    expect(html).not.toContain(token);
    expect(
      (await s.post('/connections/bluejeans/confirm', { pending: inputValue(html, 'pending')! })).status,
    ).toBe(303);
    const row = await s.connection();
    expect(row.authMethod).toBe('access_token');
    expect(row.sealedCredentials).not.toContain(token);
  });

  it('an expired token is refused next to the token field', async () => {
    const s = await simApp({ sim: { tokenTtlSeconds: 60 } });
    const token = await adminToken(s);
    s.clock.advance(61_000);
    const res = await s.post('/connections/bluejeans', { method: 'access_token', accessToken: token });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="accessToken-error"');
    expect(html).toContain('expired or was revoked');
    expect(html).not.toContain(token);
  });

  it('when the saved token expires, the card asks for a new one and Reconnect opens the token form', async () => {
    const s = await simApp({ sim: { tokenTtlSeconds: 3600 } });
    const token = await adminToken(s);
    const verify = await s.post('/connections/bluejeans', { method: 'access_token', accessToken: token });
    await s.post('/connections/bluejeans/confirm', { pending: inputValue(await verify.text(), 'pending')! });
    const row = await s.connection();
    const ends = JSON.parse(row.publicConfig).credentialsExpireAt as number;
    expect(ends).toBeGreaterThan(s.clock.now() + 3500_000);
    expect(ends).toBeLessThanOrEqual(s.clock.now() + 3600_000);
    const fresh = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(fresh).toContain('Token expires');
    expect(fresh).not.toMatch(/class="primary">\s*Reconnect/);
    s.clock.advance(3601_000);
    const card = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(card).toContain('Token expired');
    expect(card).toContain('The access token has expired: paste a new one');
    expect(card).toMatch(/class="primary">\s*Reconnect/);
    const form = await (await s.get('/connections/bluejeans/connect')).text();
    expect(form).toContain('name="accessToken"');
    expect(form).toContain('name="method" value="access_token"');
  });
});
