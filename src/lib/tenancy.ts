/**
 * Who is asking, and for which organization.
 *
 * - `local`: one organization (`local`), the visitor is its admin. Only requests
 *   addressed to this machine (127.0.0.1, localhost, ::1) are served, so a Worker
 *   deployed by mistake in local mode exposes nothing.
 * - `access`: behind Cloudflare Access. Every request carries the
 *   `Cf-Access-Jwt-Assertion` JWT, verified against the team's published keys and
 *   the application's audience; the deployment is one organization (`default`).
 */
import { createMiddleware } from 'hono/factory';
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { ensureOrganization, LOCAL_ORG_ID } from '../connections/store';
import type { AppEnv, Deps } from '../deps';
import { userError } from './http-errors';

export const ACCESS_ORG_ID = 'default';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function tenancy(deps: Deps) {
  const { config } = deps;
  const orgId = config.AUTH_MODE === 'access' ? ACCESS_ORG_ID : LOCAL_ORG_ID;
  let orgReady: Promise<void> | undefined;
  const jwks =
    config.AUTH_MODE === 'access' && config.ACCESS_TEAM_DOMAIN
      ? createRemoteJWKSet(new URL(`https://${config.ACCESS_TEAM_DOMAIN}/cdn-cgi/access/certs`), {
          [customFetch]: (url, init) => deps.fetch(url, init),
        })
      : undefined;

  return createMiddleware<AppEnv>(async (c, next) => {
    if (jwks) {
      const token = c.req.header('Cf-Access-Jwt-Assertion');
      if (!token)
        throw userError(401, 'Sign in through your organization’s Cloudflare Access to use Seatwise.');
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer: `https://${config.ACCESS_TEAM_DOMAIN}`,
          audience: config.ACCESS_AUD!,
          algorithms: ['RS256'],
        });
        c.set(
          'actor',
          typeof payload.email === 'string' ? payload.email : String(payload.sub ?? 'access-user'),
        );
      } catch {
        throw userError(401, 'Your Cloudflare Access sign-in could not be verified. Sign in again.');
      }
    } else {
      if (!LOOPBACK_HOSTS.has(new URL(c.req.url).hostname)) {
        throw userError(
          403,
          'Seatwise is in local mode, which only serves this machine. Set AUTH_MODE=access to serve others.',
        );
      }
      c.set('actor', 'local-admin');
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
