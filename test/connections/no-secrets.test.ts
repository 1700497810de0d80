import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectionTokens } from '../../db/schema';
import { openCredentials } from '../../src/connections/credentials';
import { OAUTH_COOKIE } from '../../src/connections/oauth-flow';
import { connectionVault } from '../../src/lib/vault';
import { cookieFrom, inputValue, type SimApp, simApp } from './support';

/**
 * Connects with every method, reconnects, mints tokens as a sync would, disconnects, then looks for
 * each secret in plain text in every response (body and headers), every log line and the database
 * file with its write-ahead log. It must find none.
 */
describe('no secret in plain text anywhere', () => {
  it('after connecting with all four methods', async () => {
    const s = await simApp();
    const seen: string[] = [];
    const record = async (res: Response) => {
      seen.push([...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n'));
      seen.push(await res.clone().text());
      return res;
    };
    const post = async (
      path: string,
      fields: Record<string, string>,
      opts: { htmx?: boolean; cookie?: string } = {},
    ) => record(await s.post(path, fields, opts));
    const get = async (path: string, opts: { htmx?: boolean; cookie?: string } = {}) =>
      record(await s.get(path, opts));
    const visitAll = async () => {
      for (const path of [
        '/',
        '/connections/bluejeans/card',
        '/connections/bluejeans/connect',
        '/connections/bluejeans/connect?method=password',
        '/connections/bluejeans/connect?method=access_token',
        '/connections/bluejeans/connect?method=oauth',
        '/connections/bluejeans/disconnect',
        '/connections/bluejeans/audit',
        '/connections/bluejeans/invites',
      ]) {
        await get(path);
        await get(path, { htmx: true });
      }
    };
    const secrets = new Set<string>([s.sim.credentials.appSecret, s.sim.credentials.adminUser.password]);
    const mintAsSync = async () => {
      const row = await s.connection();
      const credentials = await openCredentials(
        s.deps.db,
        s.deps.sealer,
        {
          orgId: row.orgId,
          connectionId: row.id,
        },
        row.sealedCredentials!,
      );
      if (credentials.method === 'oauth') secrets.add(credentials.refreshToken);
      await s.deps.bluejeans.session({ id: row.id, orgId: row.orgId, credentials }).tokenExpiresAt();
      for (const t of await s.deps.db.select().from(connectionTokens)) {
        const grant = JSON.parse(
          await connectionVault(s.deps.db, s.deps.sealer, { orgId: row.orgId, connectionId: row.id }).unseal(
            t.sealedToken,
            'token',
          ),
        ) as { accessToken: string };
        secrets.add(grant.accessToken);
      }
    };
    const { appKey, appSecret } = s.sim.credentials;

    // 1. App Key + App Secret, with a failed attempt first.
    await post('/connections/bluejeans', { appKey, appSecret: 'definitely-wrong-secret' });
    secrets.add('definitely-wrong-secret');
    let res = await post('/connections/bluejeans', { appKey, appSecret });
    await post('/connections/bluejeans/confirm', { pending: inputValue(await res.text(), 'pending')! });
    expect((await s.connection()).authMethod).toBe('client_credentials');
    await mintAsSync();
    await visitAll();

    // 2. Reconnect with the admin's login (htmx this time).
    await post(
      '/connections/bluejeans',
      { method: 'password', ...s.sim.credentials.adminUser },
      { htmx: true },
    );
    await mintAsSync();

    // 3. Reconnect with a pasted token.
    const tokenRes = await s.sim.fetch(
      new Request('http://sim.test/oauth2/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ grant_type: 'password', ...s.sim.credentials.adminUser }),
      }),
    );
    const pasted = ((await tokenRes.json()) as { access_token: string }).access_token;
    secrets.add(pasted);
    await post('/connections/bluejeans', { method: 'access_token', accessToken: pasted });
    expect((await s.connection()).authMethod).toBe('access_token');
    await visitAll();

    // 4. Reconnect with Sign in with BlueJeans.
    res = await post('/connections/bluejeans', { method: 'oauth', appKey, appSecret });
    const cookie = cookieFrom(res, OAUTH_COOKIE)!;
    const callback = await consent(s, res.headers.get('location')!);
    await get(callback, { cookie });
    expect((await s.connection()).authMethod).toBe('oauth');
    await mintAsSync();
    await visitAll();

    // 5. Invite, disconnect.
    await post('/connections/bluejeans/invites', { email: 'admin@example.com' });
    await post('/connections/bluejeans/disconnect', { data: 'keep' });
    await visitAll();

    expect((await s.connection()).state).toBe('disconnected');
    expect(secrets.size).toBeGreaterThanOrEqual(6);
    const path = s.deps.dbUrl.slice('file:'.length);
    const files = [path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f));
    expect(files.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(8);
      for (const text of seen) expect(text).not.toContain(secret);
      for (const line of s.deps.logger.lines) expect(line).not.toContain(secret);
      for (const bytes of files) expect(bytes.indexOf(Buffer.from(secret, 'utf8'))).toBe(-1);
    }
    expect(seen.length).toBeGreaterThan(50);
    // The scan itself works: the App Key (not a secret) is found in pages and in the database file.
    expect(seen.some((text) => text.includes(appKey))).toBe(true);
    expect(files.some((bytes) => bytes.indexOf(Buffer.from(appKey, 'utf8')) >= 0)).toBe(true);
  });
});

async function consent(s: SimApp, authorizeUrl: string): Promise<string> {
  const u = new URL(authorizeUrl);
  const res = await s.sim.fetch(
    new Request(`${u.origin}/oauth2/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...Object.fromEntries(u.searchParams),
        ...s.sim.credentials.adminUser,
        decision: 'allow',
      }),
    }),
  );
  const back = new URL(res.headers.get('location')!);
  return `${back.pathname}${back.search}`;
}
