/**
 * Invite link tokens: a compact JWS (HS256) naming the invite and its
 * organization, signed with a key derived from the seal key ring (HKDF, its own
 * `info`, so the sealing key itself never signs anything). The `kid` picks the
 * ring key, so links keep working across a key rotation until they expire.
 * The database stores only a SHA-256 of the token; the signature lets garbage be
 * refused before any lookup.
 */
import { base64url } from '../lib/jwe';
import { jwtVerify, signJwt } from '../lib/jwt';
import type { KeyRing } from '../lib/seal';

const AUDIENCE = 'seatwise-invite';
const HKDF_INFO = new TextEncoder().encode('seatwise/invite-signing/v1');

async function signingKey(ring: KeyRing, kid: string): Promise<Uint8Array | undefined> {
  const raw = ring.key(kid);
  if (!raw) return undefined;
  const base = await crypto.subtle.importKey('raw', raw as BufferSource, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: HKDF_INFO },
    base,
    256,
  );
  return new Uint8Array(bits);
}

export interface InviteClaims {
  inviteId: string;
  orgId: string;
  expiresAt: number;
}

/** Signs an invite; `expiresAt` is epoch ms. */
export async function signInviteToken(ring: KeyRing, claims: InviteClaims): Promise<string> {
  const key = (await signingKey(ring, ring.currentKid))!;
  return signJwt(
    {
      org: claims.orgId,
      aud: AUDIENCE,
      sub: claims.inviteId,
      exp: Math.floor(claims.expiresAt / 1000),
      // A random id makes every token unique even for the same invite id and second.
      jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
    },
    { alg: 'HS256', kid: ring.currentKid },
    key,
  );
}

export type InviteTokenCheck =
  | { ok: true; claims: InviteClaims }
  | { ok: false; reason: 'invalid' | 'expired' };

/** Verifies signature (pinned to HS256, known kid), audience and expiry at `now`. Never throws. */
export async function verifyInviteToken(
  ring: KeyRing,
  token: string,
  now: number,
): Promise<InviteTokenCheck> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = typeof header.kid === 'string' ? await signingKey(ring, header.kid) : undefined;
        if (!key) throw new Error('unknown kid');
        return key;
      },
      {
        algorithms: ['HS256'],
        audience: AUDIENCE,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'sub'],
      },
    );
    if (
      typeof payload.org !== 'string' ||
      typeof payload.sub !== 'string' ||
      typeof payload.exp !== 'number'
    ) {
      return { ok: false, reason: 'invalid' };
    }
    return { ok: true, claims: { inviteId: payload.sub, orgId: payload.org, expiresAt: payload.exp * 1000 } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, reason: code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid' };
  }
}

/** What the database keeps instead of the token: hex SHA-256. */
export async function hashInviteToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
