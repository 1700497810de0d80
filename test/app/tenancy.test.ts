import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/connectors/types';
import { createOrganization } from '../../src/orgs/store';
import { testApp } from '../helpers/deps';

const TEAM = 'acme.cloudflareaccess.com';
const AUD = 'aud-tag-123';

async function accessSetup() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  const fetch: FetchLike = async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url === `https://${TEAM}/cdn-cgi/access/certs`) return Response.json({ keys: [jwk] });
    return new Response('not found', { status: 404 });
  };
  const sign = (
    claims: Record<string, unknown>,
    options: { aud?: string; iss?: string; exp?: string | null; iat?: null } = {},
  ) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(options.iss ?? `https://${TEAM}`)
      .setAudience(options.aud ?? AUD);
    if (options.iat !== null) jwt.setIssuedAt();
    if (options.exp !== null) jwt.setExpirationTime(options.exp ?? '5m');
    return jwt.sign(privateKey);
  };
  const t = await testApp({
    fetch,
    env: { AUTH_MODE: 'access', ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD },
  });
  return { ...t, sign };
}

describe('local mode', () => {
  it('serves requests addressed to this machine', async () => {
    const { app } = await testApp();
    expect((await app.request('http://localhost:8787/')).status).toBe(200);
    expect((await app.request('http://127.0.0.1:8787/')).status).toBe(200);
  });

  it('refuses any other host, so a deployment left in local mode exposes nothing', async () => {
    const { app } = await testApp();
    const res = await app.request('https://seatwise.example.com/');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('AUTH_MODE=access');
  });
});

describe('access mode (Cloudflare Access)', () => {
  it('admits a request whose Access JWT verifies, as the signed-in user', async () => {
    const { app, sign, deps } = await accessSetup();
    await createOrganization(deps.db, {
      slug: 'acme',
      name: 'Acme',
      admin: 'admin@acme.example',
      actor: 'test',
      now: 1,
    });
    const token = await sign({ email: 'admin@acme.example', sub: 'u1' });
    const res = await app.request('https://seatwise.acme.example/', {
      headers: { 'Cf-Access-Jwt-Assertion': token },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a missing, mis-addressed, foreign or expired token with 401', async () => {
    const { app, sign } = await accessSetup();
    const cases: Array<Record<string, string>> = [
      {},
      { 'Cf-Access-Jwt-Assertion': await sign({ email: 'a@b' }, { aud: 'other-app' }) },
      {
        'Cf-Access-Jwt-Assertion': await sign({ email: 'a@b' }, { iss: 'https://evil.cloudflareaccess.com' }),
      },
      { 'Cf-Access-Jwt-Assertion': await sign({ email: 'a@b' }, { exp: '-1m' }) },
      { 'Cf-Access-Jwt-Assertion': 'not.a.jwt' },
    ];
    for (const headers of cases) {
      const res = await app.request('https://seatwise.acme.example/', { headers });
      expect(res.status).toBe(401);
    }
  });

  it('refuses a token without exp (it would never expire) or without iat, with 401', async () => {
    const { app, sign } = await accessSetup();
    for (const token of [
      await sign({ email: 'a@b' }, { exp: null }),
      await sign({ email: 'a@b' }, { iat: null }),
      await sign({ email: 'a@b' }, { exp: null, iat: null }),
    ]) {
      const res = await app.request('https://seatwise.acme.example/', {
        headers: { 'Cf-Access-Jwt-Assertion': token },
      });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('could not be verified');
    }
  });

  it('still answers /health without a token (for uptime checks), revealing nothing private', async () => {
    const { app } = await accessSetup();
    const res = await app.request('https://seatwise.acme.example/health');
    expect(res.status).toBe(200);
  });
});
