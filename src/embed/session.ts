/**
 * The embed session: after a token verifies, the iframe holds a signed,
 * partitioned cookie instead of the token, so htmx requests from the frame
 * carry identity without the token lingering in URLs.
 *
 * Choice: a fixed one-hour life, never extended. Host portals mint a fresh
 * token on every page view, so a long session buys nothing; a fixed end bounds
 * a leaked cookie and lets a role change in the host take effect within the hour.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../deps';
import { jwtVerify, signJwt } from '../lib/jwt';
import type { EmbedClaims, EmbedRole } from './token';

/** Sent with the `__Host-` prefix: Secure, Path=/, no Domain, so no sibling host can plant or read it. */
export const SESSION_COOKIE = 'seatwise_embed';
export const SESSION_SECONDS = 60 * 60;
const SESSION_AUDIENCE = 'seatwise-embed-session';

/** Who the iframe speaks for. */
export interface EmbedSession {
  org: string;
  sub: string;
  role: EmbedRole;
  /** Epoch seconds. */
  exp: number;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by tenancy on /embed/* requests that carry a valid embed session cookie. */
    embedSession?: EmbedSession;
  }
}

const keys = new Map<string, Promise<Uint8Array>>();

/**
 * What sessions are signed with: EMBED_SECRET when set; with only EMBED_JWKS_URL (portals sign
 * with their private keys, Seatwise holds no shared secret) the newest sealing key, so a session
 * is still signed by a secret only this deployment knows. Undefined: embedding is off.
 */
export function sessionSecret(deps: Pick<Deps, 'config' | 'sealer'>): string | undefined {
  if (deps.config.EMBED_SECRET) return deps.config.EMBED_SECRET;
  if (!deps.config.EMBED_JWKS_URL) return undefined;
  const ring = deps.sealer.ring;
  const key = ring.key(ring.currentKid);
  return key
    ? `seal:${ring.currentKid}:${Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('')}`
    : undefined;
}

/**
 * Sessions are signed with a key derived from EMBED_SECRET, not the secret itself,
 * so an embed token can never pass for a session (or the reverse).
 */
function sessionKey(secret: string): Promise<Uint8Array> {
  let key = keys.get(secret);
  if (!key) {
    const enc = new TextEncoder();
    key = crypto.subtle
      .importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      .then((k) => crypto.subtle.sign('HMAC', k, enc.encode('seatwise/embed-session/v1')))
      .then((mac) => new Uint8Array(mac));
    keys.set(secret, key);
  }
  return key;
}

/** Signs a session for verified token claims, ending one hour from now. */
export async function sealSession(
  claims: Pick<EmbedClaims, 'org' | 'sub' | 'role'>,
  secret: string,
  nowMs: number,
): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return signJwt(
    {
      org: claims.org,
      role: claims.role,
      sub: claims.sub,
      aud: SESSION_AUDIENCE,
      iat: now,
      exp: now + SESSION_SECONDS,
    },
    { alg: 'HS256', typ: 'JWT' },
    await sessionKey(secret),
  );
}

/** The session a cookie value holds, or undefined when it is missing, forged or over. */
export async function openSession(
  value: string | undefined,
  secret: string,
  nowMs: number,
): Promise<EmbedSession | undefined> {
  if (!value) return undefined;
  try {
    const { payload } = await jwtVerify(value, await sessionKey(secret), {
      algorithms: ['HS256'],
      audience: SESSION_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(nowMs),
    });
    const { org, role, sub, exp } = payload;
    if (typeof org !== 'string' || typeof sub !== 'string' || typeof exp !== 'number') return undefined;
    if (role !== 'admin' && role !== 'viewer') return undefined;
    return { org, sub, role, exp };
  } catch {
    return undefined;
  }
}

/** Exactly the attributes a third-party iframe needs (CHIPS); clearing must repeat them to match. */
const COOKIE_ATTRIBUTES = {
  prefix: 'host',
  path: '/',
  secure: true,
  httpOnly: true,
  sameSite: 'None',
  partitioned: true,
} as const;

/** Sets the session cookie for the embed's one-hour session. */
export function setSessionCookie(c: Context, value: string): void {
  setCookie(c, SESSION_COOKIE, value, { ...COOKIE_ATTRIBUTES, maxAge: SESSION_SECONDS });
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE, 'host');
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, COOKIE_ATTRIBUTES);
}

/** True for the embeddable paths (and only them: `/embedded` is not one). */
export function isEmbedPath(path: string): boolean {
  return path === '/embed' || path.startsWith('/embed/');
}
