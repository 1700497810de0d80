/**
 * Verifies the embed token a host portal signs with EMBED_SECRET (DESIGN.md,
 * "Embed token"). Every refusal carries a message written for the host portal's
 * developer, because they are the one who can fix it.
 */
import { decodeProtectedHeader } from '../lib/jwe';
import { errors, type JWTVerifyGetKey, jwtVerify } from '../lib/jwt';
import { z } from '../lib/zlite';

export const EMBED_AUDIENCE = 'seatwise-embed';
/** The longest life a token may claim (`exp - iat`, and `exp - now`); longer-lived tokens are refused. */
export const MAX_TOKEN_LIFE_SECONDS = 15 * 60;
/** The clock skew allowed between the host portal and Seatwise; both run NTP. */
export const CLOCK_TOLERANCE_SECONDS = 60;

export type EmbedRole = 'admin' | 'viewer';

/** The verified identity a token carries. */
export interface EmbedClaims {
  org: string;
  sub: string;
  role: EmbedRole;
  /** Epoch seconds. */
  exp: number;
  /** The token's single-use id (see src/embed/replay.ts). */
  jti: string;
  /** Optional: the name a tenant created on first sight gets (EMBED_AUTO_CREATE_ORGS). */
  orgName?: string;
}

/** Why a token was refused: 401 for a bad token, 403 for a good token for another organization. */
export class EmbedTokenError extends Error {
  override readonly name = 'EmbedTokenError';
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

const id = (name: string) =>
  z
    .string({ error: `the "${name}" claim must be a string` })
    .min(1, `the "${name}" claim must not be empty`)
    .max(256, `the "${name}" claim is longer than 256 characters`);

/** The claims beyond what src/lib/jwt.ts checks (aud, exp, signature). Exported for the property tests. */
export const EmbedClaimsSchema = z.object({
  org: id('org'),
  sub: id('sub'),
  role: z.enum(['admin', 'viewer'], { error: 'the "role" claim must be "admin" or "viewer"' }),
  exp: z.number({ error: 'the "exp" claim must be a number of seconds' }),
  iat: z.number({ error: 'the "iat" claim must be a number of seconds' }),
  jti: id('jti'),
  org_name: z
    .string({ error: 'the "org_name" claim must be a string' })
    .trim()
    .min(1, 'the "org_name" claim must not be empty')
    .max(120, 'the "org_name" claim is longer than 120 characters')
    .optional(),
});

const REQUIRED = ['org', 'sub', 'role', 'exp', 'iat', 'jti'] as const;

const key = (secret: string) => new TextEncoder().encode(secret);

/**
 * Checks a token's claims against the 15-minute rule and this deployment's org:
 * `exp - iat` at most 15 minutes, `exp - now` at most 15 minutes plus the skew, `iat` no more
 * than the skew in the future. Pure (no signature work), so property tests can drive it directly.
 */
export function checkEmbedClaims(
  payload: unknown,
  expectedOrg: string | null,
  nowSeconds: number,
): EmbedClaims {
  const parsed = EmbedClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EmbedTokenError(401, `The embed token was refused: ${issue?.message ?? 'bad claims'}.`);
  }
  const { org, sub, role, exp, iat, jti, org_name } = parsed.data;
  const limit = MAX_TOKEN_LIFE_SECONDS + CLOCK_TOLERANCE_SECONDS;
  if (exp - nowSeconds > limit || exp - iat > MAX_TOKEN_LIFE_SECONDS) {
    throw new EmbedTokenError(
      401,
      'The embed token lives too long: "exp" must be at most 15 minutes after it is issued. Sign a fresh token for each page view.',
    );
  }
  if (iat - nowSeconds > CLOCK_TOLERANCE_SECONDS) {
    throw new EmbedTokenError(401, 'The embed token was issued in the future: check the host’s clock.');
  }
  if (exp <= nowSeconds - CLOCK_TOLERANCE_SECONDS) {
    throw new EmbedTokenError(401, 'The embed token has expired. Sign a fresh token for each page view.');
  }
  if (expectedOrg !== null && org !== expectedOrg) {
    throw new EmbedTokenError(
      403,
      `The embed token is for organization "${org}", which this Seatwise deployment does not serve.`,
    );
  }
  return { org, sub, role, exp, jti, ...(org_name ? { orgName: org_name } : {}) };
}

/** The keys a deployment accepts embed tokens under: the shared secret, a portal's JWKS, or both. */
export interface EmbedKeys {
  secret?: string | undefined;
  jwks?: JWTVerifyGetKey | undefined;
}

/** Algorithms pinned per key kind: a JWKS key can never be used as an HMAC secret, or the reverse. */
const JWKS_ALGORITHMS = ['RS256', 'ES256'];

/**
 * Verifies signature, audience and expiry (src/lib/jwt.ts), then the claims. HS256 tokens are checked
 * against EMBED_SECRET, RS256/ES256 tokens against EMBED_JWKS_URL; anything else is refused.
 * `expectedOrg` null: the caller resolves the organization itself (many tenants).
 */
export async function verifyEmbedToken(
  token: string,
  keys: string | EmbedKeys,
  expectedOrg: string | null,
  nowMs: number,
): Promise<EmbedClaims> {
  const { secret, jwks } = typeof keys === 'string' ? { secret: keys, jwks: undefined } : keys;
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new EmbedTokenError(401, 'The embed token was refused: it is not a well-formed signed JWT.');
  }
  const options = {
    audience: EMBED_AUDIENCE,
    requiredClaims: [...REQUIRED],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    currentDate: new Date(nowMs),
  };
  let payload: unknown;
  try {
    if (alg === 'HS256' && secret) {
      ({ payload } = await jwtVerify(token, key(secret), { ...options, algorithms: ['HS256'] }));
    } else if (alg && JWKS_ALGORITHMS.includes(alg) && jwks) {
      ({ payload } = await jwtVerify(token, jwks, { ...options, algorithms: JWKS_ALGORITHMS }));
    } else {
      throw new EmbedTokenError(401, wrongAlgorithm(Boolean(secret), Boolean(jwks)));
    }
  } catch (err) {
    if (err instanceof EmbedTokenError) throw err;
    throw new EmbedTokenError(401, explain(err, Boolean(secret), Boolean(jwks)));
  }
  return checkEmbedClaims(payload, expectedOrg, Math.floor(nowMs / 1000));
}

function wrongAlgorithm(secret: boolean, jwks: boolean): string {
  const accepted = [
    ...(secret ? ['HS256 using EMBED_SECRET'] : []),
    ...(jwks ? ['RS256 or ES256 with a key published at EMBED_JWKS_URL'] : []),
  ];
  return `The embed token was refused: it must be signed with ${accepted.join(', or ') || 'a configured key'}.`;
}

/** Verification errors (src/lib/jwt.ts, jose's classes), said in terms of what the host portal should change. */
function explain(err: unknown, secret: boolean, jwks: boolean): string {
  const prefix = 'The embed token was refused: ';
  if (err instanceof errors.JWTExpired)
    return 'The embed token has expired. Sign a fresh token for each page view.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return `${prefix}"aud" must be "${EMBED_AUDIENCE}".`;
    if (err.reason === 'missing') return `${prefix}the "${err.claim}" claim is missing.`;
    return `${prefix}the "${err.claim}" claim is invalid (${err.reason}).`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported)
    return wrongAlgorithm(secret, jwks);
  if (err instanceof errors.JWKSNoMatchingKey)
    return `${prefix}no key at EMBED_JWKS_URL matches its "kid"; publish the signing key there.`;
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return `${prefix}its signature does not match; sign it with this deployment’s EMBED_SECRET or a key published at EMBED_JWKS_URL.`;
  return `${prefix}it is not a well-formed signed JWT.`;
}
