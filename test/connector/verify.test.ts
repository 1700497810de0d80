import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connectionTokens } from '../../db/schema';
import { ConnectorError, type Credentials, type FetchLike } from '../../src/connectors/types';
import { connectionVault } from '../../src/lib/vault';
import { bjEnv, ORIGIN } from './support';

async function caught(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConnectorError) return e;
    throw e;
  }
  throw new Error('expected a ConnectorError');
}

const noSecrets = (e: ConnectorError, ...secrets: string[]) => {
  const text = `${e.message} ${JSON.stringify(e.options)}`;
  for (const s of secrets) expect(text).not.toContain(s);
};

describe('verify', () => {
  it('mints, makes one enterprise call and says who the account is', async () => {
    const env = await bjEnv();
    const info = await env.connector.verify(env.appCredentials);
    expect(info).toEqual({ enterpriseId: env.sim.enterpriseId, accountLabel: env.sim.credentials.appKey });
    expect(env.sim.control.stats().byOperation).toEqual({ oauthToken: 1, searchUsers: 1 });
    // Nothing is cached for a connection that is not saved yet.
    expect(await env.db.select().from(connectionTokens)).toEqual([]);
  });

  it('a wrong App Secret points at the secret field and never repeats it', async () => {
    const env = await bjEnv();
    const e = await caught(
      env.connector.verify({
        method: 'client_credentials',
        appKey: env.sim.credentials.appKey,
        appSecret: 'wrong-secret-42',
      }),
    );
    expect([e.kind, e.code, e.field]).toEqual(['auth', 'invalid_credentials', 'appSecret']);
    expect(e.message).toMatch(/OAuth Access/);
    noSecrets(e, 'wrong-secret-42');
  });

  it('an App Key BlueJeans calls unknown points at the key field', async () => {
    const env = await bjEnv({
      wrapFetch: (f) => async (input, init) => {
        const res = await f(input, init);
        if (res.status !== 401) return res;
        return new Response(JSON.stringify({ message: 'Unknown client_id' }), { status: 401 });
      },
    });
    const e = await caught(
      env.connector.verify({ method: 'client_credentials', appKey: 'nope', appSecret: 'x-secret' }),
    );
    expect([e.code, e.field]).toEqual(['invalid_credentials', 'appKey']);
  });

  it('the OAuth Access tab being off asks for BlueJeans support through live chat', async () => {
    const env = await bjEnv({ sim: { oauthAccessDisabled: true } });
    const e = await caught(env.connector.verify(env.appCredentials));
    expect([e.kind, e.code, e.field]).toEqual(['auth', 'oauth_access_disabled', 'appKey']);
    expect(e.message).toMatch(/support/);
    expect(e.message).toMatch(/live chat/);
  });

  it('an account that is not an enterprise admin is told so', async () => {
    const env = await bjEnv();
    const creds: Credentials = { method: 'password', ...env.sim.credentials.plainUser };
    const e = await caught(env.connector.verify(creds));
    expect([e.kind, e.code, e.field]).toEqual(['auth', 'not_enterprise_admin', 'username']);
    noSecrets(e, env.sim.credentials.plainUser.password);
  });

  it('an app token refused on enterprise data (403) is also "not an enterprise admin"', async () => {
    const env = await bjEnv({
      wrapFetch: (f) => async (input, init) => {
        const req = new Request(input, init);
        if (req.url.includes('/users'))
          return new Response(JSON.stringify({ message: 'Forbidden' }), { status: 403 });
        return f(req);
      },
    });
    const e = await caught(env.connector.verify(env.appCredentials));
    expect([e.kind, e.code, e.field]).toEqual(['auth', 'not_enterprise_admin', 'appKey']);
  });

  it('BlueJeans unreachable: a transient error after a couple of quick retries', async () => {
    let calls = 0;
    const env = await bjEnv({
      wrapFetch: () => async () => {
        calls++;
        throw new TypeError(`fetch failed for ${ORIGIN}/oauth2/token?secret`);
      },
    });
    const e = await caught(env.connector.verify(env.appCredentials));
    expect([e.kind, e.code]).toEqual(['transient', 'unreachable']);
    expect(calls).toBe(3);
    expect(e.message).toMatch(/could not be reached/);
  });

  it('BlueJeans answering nonsense: a transient "unexpected answer" error', async () => {
    const env = await bjEnv({ sim: { malformedRate: 1 } });
    const e = await caught(env.connector.verify(env.appCredentials));
    expect([e.kind, e.code]).toEqual(['transient', 'bad_response']);
    expect(env.sim.control.stats().malformed).toBe(3);
  });

  it('a token answer without the enterprise is nonsense too', async () => {
    const env = await bjEnv({
      wrapFetch: () => async () => new Response(JSON.stringify({ access_token: 'abc', expires_in: 3600 })),
    });
    const e = await caught(env.connector.verify(env.appCredentials));
    expect(e.code).toBe('bad_response');
  });
});

describe('revoke', () => {
  it('revokes the cached token and forgets it', async () => {
    const env = await bjEnv();
    const session = env.connector.session(env.stored());
    await session.accountId();
    const [row] = await env.db.select().from(connectionTokens);
    const token = JSON.parse(
      await connectionVault(env.db, env.sealer, { orgId: env.conn.orgId, connectionId: env.conn.id }).unseal(
        row!.sealedToken,
        'token',
      ),
    ).accessToken as string;
    expect(await env.connector.revoke(env.stored())).toMatchObject({
      revoked: true,
      accessToken: { status: 'revoked' },
      refreshToken: { status: 'not_held' },
      grantedApplication: { status: 'not_held' },
    });
    const info = await env.raw(`${ORIGIN}/oauth2/tokenInfo?access_token=${token}`);
    expect(info.status).toBe(401);
    expect(
      await env.db.select().from(connectionTokens).where(eq(connectionTokens.connectionId, env.conn.id)),
    ).toEqual([]);
  });

  it('is best-effort: a failure is reported, not thrown, and the cache is still cleared', async () => {
    let down = false;
    const env = await bjEnv({
      wrapFetch: (f: FetchLike) => async (input, init) => {
        if (down) throw new TypeError('network down');
        return f(input, init);
      },
    });
    await env.connector.session(env.stored()).accountId();
    down = true;
    const result = await env.connector.revoke(env.stored());
    expect(result.revoked).toBe(false);
    expect(result.error?.code).toBe('unreachable');
    expect(result.accessToken).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('could not be reached'),
    });
    expect(await env.db.select().from(connectionTokens)).toEqual([]);
  });

  it('does not revoke a pasted personal token (it belongs to its owner)', async () => {
    const env = await bjEnv();
    const result = await env.connector.revoke(
      env.stored({ method: 'access_token', accessToken: 'theirs-123' }),
    );
    expect(result).toMatchObject({ revoked: false, accessToken: { status: 'kept' } });
    expect(result.accessToken.reason).toContain('belongs to the person who created it');
    expect(env.sim.control.stats().byOperation.revokeAccessToken).toBeUndefined();
  });
});
