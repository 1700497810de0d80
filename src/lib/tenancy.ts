/**
 * Who is asking, for which organization, and with which role.
 *
 * - `local`: one organization (`local`), the visitor is its admin. Only requests
 *   addressed to this machine (127.0.0.1, localhost, ::1) are served, so a Worker
 *   deployed by mistake in local mode exposes nothing.
 * - `access`: behind Cloudflare Access. Every request carries the
 *   `Cf-Access-Jwt-Assertion` JWT (RS256, `exp` and `iat` required), verified
 *   against the team's published keys (or `ACCESS_CERTS_URL`) and the
 *   application's audience. Its email selects the organizations the person is a
 *   member of. The request names one of them with the `seatwise_org` cookie
 *   (set by the organization switcher, `POST /orgs/switch`); without it, or when
 *   it names an organization the person no longer belongs to, the first of their
 *   organizations (by slug) is used. The cookie is only a preference: membership
 *   is checked on every request, so it can never widen access. An email that is
 *   no member of anything gets a 403 page saying whom to ask.
 * - `/embed/*` in either mode: a host portal's iframe cannot present the Access
 *   sign-in (third-party context), so these paths are admitted on the embed
 *   session cookie instead (src/embed/session.ts), which names its organization;
 *   routes refuse requests without one. The cookie is read on these paths only,
 *   so an embed session never opens any other route.
 *
 * Every request ends up with `c.var.scope` (its organization's view of the
 * database, src/lib/scope.ts) and `c.var.role`.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { ensureOrganization, LOCAL_ORG_ID } from '../connections/store';
import type { AppEnv, Deps } from '../deps';
import { isEmbedPath, openSession, readSessionCookie, sessionSecret } from '../embed/session';
import type { Config } from '../env';
import { frameOrigins } from '../orgs/settings';
import { findOrgById, membershipsOf, type OrgRow } from '../orgs/store';
import { userError } from './http-errors';
import { createRemoteJWKSet, jwtVerify } from './jwt';
import { orgScope } from './scope';

/** The organization that held an Access deployment's data before organizations had members. */
export const ACCESS_ORG_ID = 'default';
/** The organization switcher's choice (a slug). */
export const ORG_COOKIE = 'seatwise_org';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where Access publishes its signing keys (ACCESS_CERTS_URL overrides it). */
export function accessCertsUrl(config: Config): URL {
  return new URL(config.ACCESS_CERTS_URL ?? `https://${config.ACCESS_TEAM_DOMAIN}/cdn-cgi/access/certs`);
}

declare module 'hono' {
  interface ContextVariableMap {
    /** Access mode: the organizations the signed-in person belongs to (for the switcher). */
    memberships?: { org: OrgRow; role: 'admin' | 'viewer' }[];
    /** The organization row of this request, when tenancy loaded it. */
    org?: OrgRow;
  }
}

export function tenancy(deps: Deps) {
  const { config } = deps;
  let localReady: Promise<void> | undefined;
  const jwks =
    config.AUTH_MODE === 'access' && config.ACCESS_TEAM_DOMAIN
      ? createRemoteJWKSet(accessCertsUrl(config), { fetch: (url, init) => deps.fetch(url, init) })
      : undefined;

  const ensureLocal = () => {
    localReady ??= ensureOrganization(deps.db, LOCAL_ORG_ID).catch((err) => {
      localReady = undefined;
      throw err;
    });
    return localReady;
  };

  return createMiddleware<AppEnv>(async (c, next) => {
    if (isEmbedPath(c.req.path)) {
      if (config.AUTH_MODE === 'local') {
        assertLoopback(c.req.url);
        await ensureLocal();
      }
      const secret = sessionSecret(deps);
      const session = secret ? await openSession(readSessionCookie(c), secret, deps.clock.now()) : undefined;
      // Local mode serves one organization: a session for any other (a changed AUTH_MODE) is none here.
      if (session && (config.AUTH_MODE === 'access' || session.org === LOCAL_ORG_ID)) {
        c.set('embedSession', session);
        c.set('actor', `embed:${session.sub}`);
        c.set('role', session.role);
        c.set('scope', orgScope(deps.db, session.org));
        const org = await findOrgById(deps.db, session.org);
        if (org) {
          c.set('org', org);
          c.set('embedFrameOrigins', frameOrigins(org.settings, config));
        }
      } else {
        c.set('actor', 'embed:anonymous');
        c.set('role', undefined);
        // No organization: requireRole refuses before any handler reads it.
        c.set('scope', orgScope(deps.db, ''));
      }
    } else if (jwks) {
      const email = await verifyAccess(c, jwks, config);
      c.set('actor', email);
      const memberships = await membershipsOf(deps.db, email);
      if (memberships.length === 0) {
        throw userError(
          403,
          `${email} is not a member of any organization on this Seatwise. Ask whoever runs it to add you (npm run org -- member <organization> add ${email} viewer), or an admin of your organization to add you on its Members page.`,
        );
      }
      const wanted = getCookie(c, ORG_COOKIE);
      const chosen = memberships.find((m) => m.org.slug === wanted) ?? memberships[0]!;
      c.set('memberships', memberships);
      c.set('org', chosen.org);
      c.set('role', chosen.role);
      c.set('scope', orgScope(deps.db, chosen.org.id));
    } else {
      assertLoopback(c.req.url);
      await ensureLocal();
      c.set('actor', 'local-admin');
      c.set('role', 'admin');
      c.set('scope', orgScope(deps.db, LOCAL_ORG_ID));
    }
    await next();
  });
}

async function verifyAccess(
  c: Context<AppEnv>,
  jwks: ReturnType<typeof createRemoteJWKSet>,
  config: Config,
): Promise<string> {
  const token = c.req.header('Cf-Access-Jwt-Assertion');
  if (!token) throw userError(401, 'Sign in through your organization’s Cloudflare Access to use Seatwise.');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, jwks, {
      issuer: `https://${config.ACCESS_TEAM_DOMAIN}`,
      audience: config.ACCESS_AUD!,
      algorithms: ['RS256'],
      // Without these a token would never expire (exp and iat are checked only when present).
      requiredClaims: ['exp', 'iat'],
    }));
  } catch {
    throw userError(401, 'Your Cloudflare Access sign-in could not be verified. Sign in again.');
  }
  if (typeof payload.email !== 'string' || !payload.email.includes('@')) {
    throw userError(
      403,
      'Your Cloudflare Access sign-in carries no email, so Seatwise cannot tell who you are.',
    );
  }
  return payload.email.toLowerCase();
}

/** Refuses (403) a request not addressed to this machine; local mode serves nothing else. */
export function assertLoopback(url: string): void {
  if (!LOOPBACK_HOSTS.has(new URL(url).hostname)) {
    throw userError(
      403,
      'Seatwise is in local mode, which only serves this machine. Set AUTH_MODE=access to serve others.',
    );
  }
}
