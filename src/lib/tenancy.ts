/**
 * Who is asking, and for which organization.
 *
 * - `local`: one organization (`local`), the visitor is its admin. Only requests
 *   addressed to this machine (127.0.0.1, localhost, ::1) are served, so a Worker
 *   deployed by mistake in local mode exposes nothing.
 * - `access`: behind Cloudflare Access. Every request carries the
 *   `Cf-Access-Jwt-Assertion` JWT, verified against the team's published keys and
 *   the application's audience; the deployment is one organization (`default`).
 * - `/embed/*` in either mode: a host portal's iframe cannot present the Access
 *   sign-in (third-party context), so these paths are admitted on the embed
 *   session cookie instead (src/embed/session.ts); the routes refuse requests
 *   without one. The cookie is read on these paths only, so an embed session never
 *   opens any other route.
 */
import { createMiddleware } from 'hono/factory';
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { ensureOrganization, LOCAL_ORG_ID } from '../connections/store';
import type { AppEnv, Deps } from '../deps';
import { isEmbedPath, openSession, readSessionCookie } from '../embed/session';
import type { Config } from '../env';
import { userError } from './http-errors';

export const ACCESS_ORG_ID = 'default';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The one organization this deployment serves. */
export function deploymentOrgId(config: Config): string {
  return config.AUTH_MODE === 'access' ? ACCESS_ORG_ID : LOCAL_ORG_ID;
}

export function tenancy(deps: Deps) {
  const { config } = deps;
  const orgId = deploymentOrgId(config);
  let orgReady: Promise<void> | undefined;
  const jwks =
    config.AUTH_MODE === 'access' && config.ACCESS_TEAM_DOMAIN
      ? createRemoteJWKSet(new URL(`https://${config.ACCESS_TEAM_DOMAIN}/cdn-cgi/access/certs`), {
          [customFetch]: (url, init) => deps.fetch(url, init),
        })
      : undefined;

  return createMiddleware<AppEnv>(async (c, next) => {
    if (isEmbedPath(c.req.path)) {
      if (config.AUTH_MODE === 'local') assertLoopback(c.req.url);
      const session = config.EMBED_SECRET
        ? await openSession(readSessionCookie(c), config.EMBED_SECRET, deps.clock.now())
        : undefined;
      // A session minted for another organization (a changed AUTH_MODE) is no session here.
      if (session && session.org === orgId) {
        c.set('embedSession', session);
        c.set('actor', `embed:${session.sub}`);
        c.set('role', session.role);
      } else {
        c.set('actor', 'embed:anonymous');
        c.set('role', undefined);
      }
    } else if (jwks) {
      const token = c.req.header('Cf-Access-Jwt-Assertion');
      if (!token)
        throw userError(401, 'Sign in through your organization’s Cloudflare Access to use Seatwise.');
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer: `https://${config.ACCESS_TEAM_DOMAIN}`,
          audience: config.ACCESS_AUD!,
          algorithms: ['RS256'],
          // Without these a token would never expire (jose checks exp and iat only when present).
          requiredClaims: ['exp', 'iat'],
        });
        c.set(
          'actor',
          typeof payload.email === 'string' ? payload.email : String(payload.sub ?? 'access-user'),
        );
        // Until members exist, everyone Access lets in administers the one organization.
        c.set('role', 'admin');
      } catch {
        throw userError(401, 'Your Cloudflare Access sign-in could not be verified. Sign in again.');
      }
    } else {
      assertLoopback(c.req.url);
      c.set('actor', 'local-admin');
      c.set('role', 'admin');
    }
    orgReady ??= ensureOrganization(deps.db, orgId).catch((err) => {
      orgReady = undefined;
      throw err;
    });
    await orgReady;
    c.set('orgId', orgId);
    await next();
  });
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
