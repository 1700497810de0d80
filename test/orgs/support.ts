/** Builders for the organization tests: an Access-mode app whose tokens we can sign, with two tenants. */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { FetchLike } from '../../src/connectors/types';
import { addMember, createOrganization } from '../../src/orgs/store';
import { testApp } from '../helpers/deps';

export const TEAM = 'acme.cloudflareaccess.com';
export const AUD = 'aud-multi';
export const CERTS = 'http://127.0.0.1:9/access-certs';
export const ORIGIN = 'https://seatwise.example';

/** Access mode with ACCESS_CERTS_URL pointing at keys we hold; `as(email)` signs in. */
export async function accessApp(env: Record<string, string> = {}) {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  const fetched: string[] = [];
  const fetch: FetchLike = async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    fetched.push(url);
    if (url === CERTS) return Response.json({ keys: [jwk] });
    return new Response('not found', { status: 404 });
  };
  const t = await testApp({
    fetch,
    env: { AUTH_MODE: 'access', ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_CERTS_URL: CERTS, ...env },
  });
  const token = (email: string) =>
    new SignJWT({ email })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(`https://${TEAM}`)
      .setAudience(AUD)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  /** A request as `email` (null: no Access token), same-origin for POSTs. */
  const as = async (email: string | null, path: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (email) headers.set('Cf-Access-Jwt-Assertion', await token(email));
    if (init.method && init.method !== 'GET') headers.set('Origin', ORIGIN);
    if (init.cookie) headers.set('Cookie', init.cookie);
    if (typeof init.body === 'string') headers.set('Content-Type', 'application/x-www-form-urlencoded');
    return t.app.request(`${ORIGIN}${path}`, { ...init, headers });
  };
  return { ...t, as, token, fetched };
}

/** Two organizations: acme (alice admin, victor viewer) and globex (gina admin). */
export async function twoTenants(t: Awaited<ReturnType<typeof accessApp>>) {
  const who = { actor: 'test', now: t.deps.clock.now() };
  const acme = await createOrganization(t.deps.db, {
    slug: 'acme',
    name: 'Acme',
    admin: 'alice@acme.example',
    ...who,
  });
  const globex = await createOrganization(t.deps.db, {
    slug: 'globex',
    name: 'Globex',
    admin: 'gina@globex.example',
    ...who,
  });
  await addMember(t.deps.db, { orgId: acme.id, email: 'victor@acme.example', role: 'viewer', ...who });
  return { acme, globex };
}
