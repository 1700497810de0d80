/** Embedding for many tenants: org by slug, auto-create, per-organization frame origins, JWKS tokens. */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/connections/audit';
import type { FetchLike } from '../../src/connectors/types';
import { runOrgCli } from '../../src/orgs/cli';
import { findOrgBySlug } from '../../src/orgs/store';
import { COOKIE_NAME, SECRET, sessionCookie } from '../embed/support';
import { accessApp, twoTenants } from './support';

const JWKS_URL = 'https://portal.example/.well-known/jwks.json';

async function portalKeys() {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const stranger = await generateKeyPair('RS256');
  const keys = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256' },
  ];
  const fetch: FetchLike = async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url === JWKS_URL) return Response.json({ keys });
    return new Response('no', { status: 404 });
  };
  return { rsa, ec, stranger, fetch };
}

function claims(t: { deps: { clock: { now(): number } } }, extra: Record<string, unknown> = {}) {
  const now = Math.floor(t.deps.clock.now() / 1000);
  return { org: 'acme', sub: 'u1', role: 'admin', jti: crypto.randomUUID(), ...extra, now };
}

async function sign(
  t: { deps: { clock: { now(): number } } },
  key: CryptoKey | Uint8Array,
  alg: string,
  kid: string | undefined,
  extra: Record<string, unknown> = {},
) {
  const { now, ...body } = claims(t, extra);
  return new SignJWT(body)
    .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
    .setAudience('seatwise-embed')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(key);
}

const secretKey = new TextEncoder().encode(SECRET);

describe('embed tokens name the organization by slug', () => {
  it('opens each tenant’s own card; an unknown slug is a 403 when auto-create is off', async () => {
    const t = await accessApp({ EMBED_SECRET: SECRET });
    const { globex } = await twoTenants(t);
    const res = await t.as(
      null,
      `/embed/card?token=${await sign(t, secretKey, 'HS256', undefined, { org: 'globex' })}`,
    );
    expect(res.status).toBe(303);
    const cookie = sessionCookie(res);
    const card = await t.as(null, '/embed/card', { cookie });
    expect(card.status).toBe(200);
    const session = await import('../../src/embed/session');
    const opened = await session.openSession(
      cookie.slice(COOKIE_NAME.length + 1),
      SECRET,
      t.deps.clock.now(),
    );
    expect(opened?.org).toBe(globex.id);

    const unknown = await t.as(
      null,
      `/embed/card?token=${await sign(t, secretKey, 'HS256', undefined, { org: 'initech' })}`,
    );
    expect(unknown.status).toBe(403);
    expect(await unknown.text()).toContain('EMBED_AUTO_CREATE_ORGS');
    expect(await findOrgBySlug(t.deps.db, 'initech')).toBeUndefined();
  });

  it('with EMBED_AUTO_CREATE_ORGS=true provisions the tenant on first sight, named by org_name, audit-logged', async () => {
    const t = await accessApp({ EMBED_SECRET: SECRET, EMBED_AUTO_CREATE_ORGS: 'true' });
    const token = await sign(t, secretKey, 'HS256', undefined, {
      org: 'initech',
      org_name: 'Initech',
      sub: 'p-42',
    });
    expect((await t.as(null, `/embed/card?token=${token}`)).status).toBe(303);
    const org = await findOrgBySlug(t.deps.db, 'initech');
    expect(org?.name).toBe('Initech');
    const audit = await listAudit(t.deps.db, { orgId: org!.id });
    expect(audit.map((a) => `${a.action}:${a.actor}`)).toEqual(['org.created:embed:p-42']);
    // A second portal user of the same tenant lands in the same organization.
    const again = await sign(t, secretKey, 'HS256', undefined, { org: 'initech', sub: 'p-43' });
    expect((await t.as(null, `/embed/card?token=${again}`)).status).toBe(303);
    expect(
      (await runOrgCli(t.deps.db, ['list'], 0)).lines.filter((l) => l.startsWith('initech')),
    ).toHaveLength(1);
    // A slug that is not URL-safe is refused, not created.
    const bad = await sign(t, secretKey, 'HS256', undefined, { org: 'Not A Slug' });
    expect((await t.as(null, `/embed/card?token=${bad}`)).status).toBe(401);
  });

  it('frames each organization only from its own origins (default EMBED_ALLOWED_ORIGINS)', async () => {
    const t = await accessApp({
      EMBED_SECRET: SECRET,
      EMBED_ALLOWED_ORIGINS: 'https://default-portal.example',
    });
    await twoTenants(t);
    await runOrgCli(t.deps.db, ['set', 'acme', '--embed-origins', 'https://acme-portal.example'], 0);
    const acme = await t.as(
      null,
      `/embed/card?token=${await sign(t, secretKey, 'HS256', undefined, { org: 'acme' })}`,
    );
    expect(acme.headers.get('Content-Security-Policy')).toContain(
      'frame-ancestors https://acme-portal.example',
    );
    const acmeCard = await t.as(null, '/embed/card', { cookie: sessionCookie(acme) });
    expect(acmeCard.headers.get('Content-Security-Policy')).toContain(
      'frame-ancestors https://acme-portal.example',
    );
    expect(acmeCard.headers.get('Content-Security-Policy')).not.toContain('default-portal');
    const globex = await t.as(
      null,
      `/embed/card?token=${await sign(t, secretKey, 'HS256', undefined, { org: 'globex' })}`,
    );
    const globexCard = await t.as(null, '/embed/card', { cookie: sessionCookie(globex) });
    expect(globexCard.headers.get('Content-Security-Policy')).toContain(
      'frame-ancestors https://default-portal.example',
    );
  });
});

describe('EMBED_JWKS_URL: portals that sign with a private key', () => {
  it('accepts RS256 and ES256 from the published keys; refuses a wrong key and a wrong algorithm', async () => {
    const keys = await portalKeys();
    const t = await accessApp({ EMBED_JWKS_URL: JWKS_URL });
    // accessApp's fetch knows only the Access certs; serve the portal's keys too.
    const accessFetch = t.deps.fetch;
    t.deps.fetch = async (i, init) => {
      const r = await keys.fetch(i, init);
      return r.status === 404 ? accessFetch(i, init) : r;
    };
    await twoTenants(t);
    const land = async (token: string) => t.as(null, `/embed/card?token=${token}`);

    expect((await land(await sign(t, keys.rsa.privateKey, 'RS256', 'rsa'))).status).toBe(303);
    expect((await land(await sign(t, keys.ec.privateKey, 'ES256', 'ec'))).status).toBe(303);

    const wrongKey = await land(await sign(t, keys.stranger.privateKey, 'RS256', 'rsa'));
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.text()).toContain('signature does not match');

    // No EMBED_SECRET here: an HS256 token is refused whatever it was signed with.
    const hs = await land(await sign(t, secretKey, 'HS256', undefined));
    expect(hs.status).toBe(401);
    expect(await hs.text()).toContain('RS256 or ES256');

    // RS384 is not pinned, even from a published key.
    const rs384Key = await generateKeyPair('RS384');
    const rs384 = await land(await sign(t, rs384Key.privateKey, 'RS384', 'rsa'));
    expect(rs384.status).toBe(401);
    for (const res of [wrongKey, hs, rs384]) expect(res.headers.getSetCookie()).toEqual([]);
  });
});
