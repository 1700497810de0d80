/**
 * Signed JWTs (compact JWS) on WebCrypto: HS256 signing and verification for Seatwise's own tokens
 * (invites, embed sessions, embed tokens under EMBED_SECRET), RS256/ES256 verification against a
 * remote JSON Web Key Set (Cloudflare Access, a portal's EMBED_JWKS_URL).
 *
 * Why not jose: it is about 8 KB of the Worker's gzip for these, because its verification dispatches
 * over every JWS algorithm and key format. This follows jose 6 where Seatwise depends on it: the same
 * checks in the same order (algorithm allow-list, `crit`, signature, then the claims: presence of the
 * required ones, `iss`, `aud`, `nbf`, `exp` with the clock tolerance), the same error classes with
 * `claim` and `reason`, and a key set cached for `cacheMaxAge` and refetched for an unknown `kid` at
 * most once per `cooldownDuration`. test/lib/jwt.test.ts checks it against jose both ways.
 */
import { base64url, decodeProtectedHeader, type ProtectedHeader } from './jwe';

export type JWTPayload = Record<string, unknown> & {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
};

export class JOSEError extends Error {
  code = 'ERR_JOSE_GENERIC';
}
export class JWTClaimValidationFailed extends JOSEError {
  override code = 'ERR_JWT_CLAIM_VALIDATION_FAILED';
  constructor(
    message: string,
    readonly payload: JWTPayload,
    readonly claim: string,
    readonly reason: 'missing' | 'invalid' | 'check_failed',
  ) {
    super(message);
  }
}
export class JWTExpired extends JWTClaimValidationFailed {
  override code = 'ERR_JWT_EXPIRED';
}
export class JOSEAlgNotAllowed extends JOSEError {
  override code = 'ERR_JOSE_ALG_NOT_ALLOWED';
}
export class JOSENotSupported extends JOSEError {
  override code = 'ERR_JOSE_NOT_SUPPORTED';
}
export class JWSInvalid extends JOSEError {
  override code = 'ERR_JWS_INVALID';
}
export class JWTInvalid extends JOSEError {
  override code = 'ERR_JWT_INVALID';
}
export class JWKSInvalid extends JOSEError {
  override code = 'ERR_JWKS_INVALID';
}
export class JWKSNoMatchingKey extends JOSEError {
  override code = 'ERR_JWKS_NO_MATCHING_KEY';
}
export class JWKSMultipleMatchingKeys extends JOSEError {
  override code = 'ERR_JWKS_MULTIPLE_MATCHING_KEYS';
}
export class JWSSignatureVerificationFailed extends JOSEError {
  override code = 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED';
}

export const errors = {
  JOSEError,
  JWTClaimValidationFailed,
  JWTExpired,
  JOSEAlgNotAllowed,
  JOSENotSupported,
  JWSInvalid,
  JWTInvalid,
  JWKSInvalid,
  JWKSNoMatchingKey,
  JWKSMultipleMatchingKeys,
  JWSSignatureVerificationFailed,
};

/** A key, or a function choosing one from the token's header (a key set). */
export type JWTVerifyGetKey = (
  header: ProtectedHeader,
) => Promise<CryptoKey | Uint8Array> | CryptoKey | Uint8Array;

export interface JWTVerifyOptions {
  algorithms: string[];
  audience?: string;
  issuer?: string;
  requiredClaims?: string[];
  /** Seconds. */
  clockTolerance?: number;
  currentDate?: Date;
}

const encoder = new TextEncoder();
const strict = new TextDecoder('utf-8', { fatal: true });

const ALGS: Record<
  string,
  { sign: AlgorithmIdentifier | EcdsaParams; import: RsaHashedImportParams | EcKeyImportParams }
> = {
  RS256: { sign: { name: 'RSASSA-PKCS1-v1_5' }, import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } },
  ES256: { sign: { name: 'ECDSA', hash: 'SHA-256' }, import: { name: 'ECDSA', namedCurve: 'P-256' } },
};

const hmacKey = (secret: Uint8Array, use: KeyUsage) =>
  crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, [use]);

/** Signs `payload` as an HS256 JWT (the header must say `alg: "HS256"`). */
export async function signJwt(
  payload: JWTPayload,
  header: ProtectedHeader,
  secret: Uint8Array,
): Promise<string> {
  if (header.alg !== 'HS256') throw new JOSENotSupported('only HS256 tokens are signed here');
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(input));
  return `${input}.${base64url.encode(new Uint8Array(mac))}`;
}

async function verifySignature(alg: string, key: CryptoKey | Uint8Array, data: Uint8Array, sig: Uint8Array) {
  if (alg === 'HS256') {
    if (!(key instanceof Uint8Array)) throw new TypeError('HS256 verification needs a secret');
    return crypto.subtle.verify(
      'HMAC',
      await hmacKey(key, 'verify'),
      sig as BufferSource,
      data as BufferSource,
    );
  }
  const spec = ALGS[alg];
  if (!spec || key instanceof Uint8Array) throw new JOSENotSupported(`unsupported "alg" ${alg}`);
  return crypto.subtle.verify(spec.sign, key, sig as BufferSource, data as BufferSource);
}

function decodePart(part: string, what: string): Uint8Array {
  try {
    return base64url.decode(part);
  } catch {
    throw new JWSInvalid(`Failed to base64url decode the ${what}`);
  }
}

/** Verifies a compact JWS signed JWT and its claims, as jose's `jwtVerify` does. */
export async function jwtVerify(
  token: string,
  key: Uint8Array | JWTVerifyGetKey,
  options: JWTVerifyOptions,
): Promise<{ payload: JWTPayload; protectedHeader: ProtectedHeader }> {
  if (typeof token !== 'string') throw new JWSInvalid('Compact JWS must be a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw new JWSInvalid('Invalid Compact JWS');
  const [h, p, s] = parts as [string, string, string];
  let header: ProtectedHeader;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new JWSInvalid('JWS Protected Header is invalid');
  }
  if (typeof header.alg !== 'string' || !header.alg)
    throw new JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  if (header.crit !== undefined) throw new JOSENotSupported('"crit" Header Parameters are not supported');
  if (!options.algorithms.includes(header.alg)) {
    throw new JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  }
  const k = typeof key === 'function' ? await key(header) : key;
  const signature = decodePart(s, 'signature');
  const ok = await verifySignature(header.alg, k, encoder.encode(`${h}.${p}`), signature);
  if (!ok) throw new JWSSignatureVerificationFailed('signature verification failed');
  let payload: unknown;
  try {
    payload = JSON.parse(strict.decode(decodePart(p, 'payload')));
  } catch {
    throw new JWTInvalid('JWT Claims Set must be a top-level JSON object');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new JWTInvalid('JWT Claims Set must be a top-level JSON object');
  }
  return { payload: checkClaims(payload as JWTPayload, options), protectedHeader: header };
}

function checkClaims(claims: JWTPayload, options: JWTVerifyOptions): JWTPayload {
  const { requiredClaims = [], issuer, audience } = options;
  const presence = [...requiredClaims];
  if (audience !== undefined) presence.push('aud');
  if (issuer !== undefined) presence.push('iss');
  // jose checks them last-named first.
  for (const claim of new Set(presence.reverse())) {
    if (!Object.hasOwn(claims, claim)) {
      throw new JWTClaimValidationFailed(`missing required "${claim}" claim`, claims, claim, 'missing');
    }
  }
  const unexpected = (claim: string) => {
    throw new JWTClaimValidationFailed(`unexpected "${claim}" claim value`, claims, claim, 'check_failed');
  };
  if (issuer !== undefined && claims.iss !== issuer) unexpected('iss');
  if (audience !== undefined) {
    const aud = claims.aud;
    if (!(typeof aud === 'string' ? aud === audience : Array.isArray(aud) && aud.includes(audience)))
      unexpected('aud');
  }
  const tolerance = options.clockTolerance ?? 0;
  const now = Math.floor((options.currentDate ?? new Date()).getTime() / 1000);
  const date = (claim: 'iat' | 'nbf' | 'exp') => {
    const v = claims[claim];
    if (v !== undefined && typeof v !== 'number') {
      throw new JWTClaimValidationFailed(`"${claim}" claim must be a number`, claims, claim, 'invalid');
    }
    return v;
  };
  date('iat');
  const nbf = date('nbf');
  if (nbf !== undefined && nbf > now + tolerance) {
    throw new JWTClaimValidationFailed('"nbf" claim timestamp check failed', claims, 'nbf', 'check_failed');
  }
  const exp = date('exp');
  if (exp !== undefined && exp <= now - tolerance) {
    throw new JWTExpired('"exp" claim timestamp check failed', claims, 'exp', 'check_failed');
  }
  return claims;
}

interface Jwk {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
}

export interface RemoteJWKSetOptions {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** How long a fetched set is used, ms (jose's default: 10 minutes). */
  cacheMaxAge?: number;
  /** The least time between two fetches for an unknown key, ms (jose's default: 30 s). */
  cooldownDuration?: number;
  /** Per fetch, ms (jose's default: 5 s). */
  timeoutDuration?: number;
}

/** The key for a token's header from a JWKS at `url`, fetched lazily and cached (jose's createRemoteJWKSet). */
export function createRemoteJWKSet(url: URL, options: RemoteJWKSetOptions): JWTVerifyGetKey {
  const maxAge = options.cacheMaxAge ?? 600_000;
  const cooldown = options.cooldownDuration ?? 30_000;
  let keys: Jwk[] | undefined;
  let fetchedAt = 0;
  let pending: Promise<void> | undefined;
  const imported = new Map<Jwk, Promise<CryptoKey>>();

  const reload = () => {
    pending ??= (async () => {
      const res = await options.fetch(url.href, {
        method: 'GET',
        headers: { accept: 'application/json, application/jwk-set+json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutDuration ?? 5000),
      });
      if (res.status !== 200) throw new JOSEError('Expected 200 OK from the JSON Web Key Set HTTP response');
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new JOSEError('Failed to parse the JSON Web Key Set HTTP response as JSON');
      }
      const list = (body as { keys?: unknown } | null)?.keys;
      if (
        !Array.isArray(list) ||
        !list.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k))
      ) {
        throw new JWKSInvalid('JSON Web Key Set malformed');
      }
      keys = list as Jwk[];
      fetchedAt = Date.now();
      imported.clear();
    })().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  const candidates = (header: ProtectedHeader) => {
    const alg = header.alg ?? '';
    const kty = alg.startsWith('RS') ? 'RSA' : alg.startsWith('ES') ? 'EC' : undefined;
    return (keys ?? []).filter(
      (k) =>
        k.kty === kty &&
        (typeof header.kid !== 'string' || k.kid === header.kid) &&
        (typeof k.alg !== 'string' || k.alg === alg) &&
        (typeof k.use !== 'string' || k.use === 'sig') &&
        (!Array.isArray(k.key_ops) || k.key_ops.includes('verify')) &&
        (alg !== 'ES256' || k.crv === 'P-256'),
    );
  };

  return async (header) => {
    if (!keys || Date.now() - fetchedAt >= maxAge) await reload();
    let found = candidates(header);
    if (found.length === 0 && Date.now() - fetchedAt >= cooldown) {
      await reload();
      found = candidates(header);
    }
    const jwk = found[0];
    if (!jwk) throw new JWKSNoMatchingKey('no applicable key found in the JSON Web Key Set');
    // jose 6 refuses too: a token without a kid must not pick one of several keys.
    if (found.length > 1)
      throw new JWKSMultipleMatchingKeys('multiple matching keys found in the JSON Web Key Set');
    const spec = ALGS[header.alg ?? ''];
    if (!spec) throw new JOSENotSupported(`unsupported "alg" ${String(header.alg)}`);
    let key = imported.get(jwk);
    if (!key) {
      const { kty, n, e, crv, x, y } = jwk;
      key = crypto.subtle.importKey(
        'jwk',
        { kty, n, e, crv, x, y, ext: true } as JsonWebKey,
        spec.import,
        false,
        ['verify'],
      );
      imported.set(jwk, key);
    }
    const cryptoKey = await key;
    const bits = (cryptoKey.algorithm as RsaHashedKeyAlgorithm).modulusLength;
    if (header.alg === 'RS256' && bits < 2048)
      throw new TypeError('RS256 requires key modulusLength to be 2048 bits or larger');
    return cryptoKey;
  };
}
