/**
 * The embed token landing (`GET /embed/card?token=`): which organization the
 * token names, and whether it may be served.
 *
 * The `org` claim is the tenant's slug. Local mode serves one organization
 * (`local`). Behind Access any existing organization may be embedded; an unknown
 * slug is refused with 403, unless `EMBED_AUTO_CREATE_ORGS=true`, which lets the
 * portal provision its tenant on first sight (named by the optional `org_name`
 * claim, audit-logged as created by the portal's user).
 */

import { LOCAL_ORG_ID } from '../connections/store';
import type { Deps } from '../deps';
import { createRemoteJWKSet, type JWTVerifyGetKey } from '../lib/jwt';
import { createOrganization, findOrgBySlug, OrgError, type OrgRow, SlugSchema } from '../orgs/store';
import { spendEmbedToken } from './replay';
import { type EmbedClaims, EmbedTokenError, verifyEmbedToken } from './token';

const jwksCache = new WeakMap<Deps, JWTVerifyGetKey>();

/** The portal JWKS, fetched through deps.fetch and cached (keys refetched on an unknown kid). */
function portalJwks(deps: Deps): JWTVerifyGetKey | undefined {
  const url = deps.config.EMBED_JWKS_URL;
  if (!url) return undefined;
  let jwks = jwksCache.get(deps);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(url), {
      fetch: (u, init) => deps.fetch(u, init),
      cacheMaxAge: 10 * 60_000,
      cooldownDuration: 30_000,
    });
    jwksCache.set(deps, jwks);
  }
  return jwks;
}

export interface Landing {
  claims: EmbedClaims;
  org: OrgRow;
}

/** Verifies, resolves (or provisions) the organization and spends the token. Throws EmbedTokenError. */
export async function admitEmbedToken(deps: Deps, token: string): Promise<Landing> {
  const { config, clock, db } = deps;
  const now = clock.now();
  const claims = await verifyEmbedToken(
    token,
    { secret: config.EMBED_SECRET, jwks: portalJwks(deps) },
    config.AUTH_MODE === 'local' ? LOCAL_ORG_ID : null,
    now,
  );
  if (!SlugSchema.safeParse(claims.org).success) {
    throw new EmbedTokenError(
      401,
      `The embed token was refused: "org" must be the organization's slug (lower-case letters, digits and hyphens), not "${claims.org.slice(0, 64)}".`,
    );
  }
  const org = (await findOrgBySlug(db, claims.org)) ?? (await provision(deps, claims, now));
  await spendEmbedToken(db, { ...claims, org: org.id }, now);
  return { claims, org };
}

async function provision(deps: Deps, claims: EmbedClaims, now: number): Promise<OrgRow> {
  if (!deps.config.EMBED_AUTO_CREATE_ORGS) {
    throw new EmbedTokenError(
      403,
      `The embed token is for organization "${claims.org}", which this Seatwise deployment does not serve. Create it first (npm run org -- add ${claims.org} --name "…"), or let portals provision tenants with EMBED_AUTO_CREATE_ORGS=true.`,
    );
  }
  try {
    const org = await createOrganization(deps.db, {
      slug: claims.org,
      name: claims.orgName ?? claims.org,
      actor: `embed:${claims.sub}`,
      via: 'embed',
      now,
    });
    deps.logger.info('embed: organization provisioned', { slug: claims.org, orgId: org.id });
    return org;
  } catch (err) {
    // Two first visits at once: the other one created it.
    if (err instanceof OrgError && err.reason === 'exists') {
      const org = await findOrgBySlug(deps.db, claims.org);
      if (org) return org;
    }
    throw err;
  }
}
