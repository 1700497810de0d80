/**
 * The OAuth `state`: signed, stored, single-use and short-lived, so a callback can only finish a sign-in
 * this server started, for the same organization, once, within ten minutes.
 *
 * Format: `base64url(json payload) "." base64url(HMAC-SHA256(payload))`. The payload names the key id,
 * the state id (the `oauth_states` row), the organization and the expiry. The HMAC key is derived (HKDF)
 * from the seal key ring, so no extra secret has to be configured and rotation works the same way; a
 * `stateSecret` can replace it.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { oauthStates } from '../../../db/schema';
import { base64url } from '../../lib/jwe';
import type { KeyRing } from '../../lib/seal';
import { z } from '../../lib/zlite';
import { ConnectorError } from '../types';

export interface StateSigner {
  /** Key id that signs new states. */
  readonly currentKid: string;
  key(kid: string): Promise<CryptoKey | undefined>;
}

const encoder = new TextEncoder();

async function hmacKeyFrom(material: Uint8Array, kid: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', material as BufferSource, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: encoder.encode(`seatwise/oauth-state/${kid}`),
      info: encoder.encode('hmac'),
    },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

/** Signs with keys derived from the seal key ring (each seal key gives its own state key). */
export function signerFromKeyRing(ring: KeyRing): StateSigner {
  const cache = new Map<string, Promise<CryptoKey>>();
  return {
    currentKid: ring.currentKid,
    key(kid) {
      const material = ring.key(kid);
      if (!material) return Promise.resolve(undefined);
      let k = cache.get(kid);
      if (!k) {
        k = hmacKeyFrom(material, kid);
        cache.set(kid, k);
      }
      return k;
    },
  };
}

/** Signs with one configured secret (at least 32 characters). */
export function signerFromSecret(secret: string): StateSigner {
  if (secret.length < 32) throw new RangeError('OAuth state secret must be at least 32 characters');
  const k = hmacKeyFrom(encoder.encode(secret), 's');
  return { currentKid: 's', key: async (kid) => (kid === 's' ? k : undefined) };
}

const Payload = z.object({ v: z.literal(1), k: z.string(), i: z.string(), o: z.string(), e: z.number() });

export interface StateDeps {
  db: Db;
  signer: StateSigner;
  now: () => number;
  ttlMs: number;
  newId: () => string;
}

/** Stores a new state row and returns the signed value to put in the authorize URL. */
export async function issueState(
  deps: StateDeps,
  input: { orgId: string; connectionId?: string | null; redirectUri: string },
): Promise<{ state: string; expiresAt: number }> {
  const now = deps.now();
  const id = deps.newId();
  const expiresAt = now + deps.ttlMs;
  await deps.db.insert(oauthStates).values({
    id,
    orgId: input.orgId,
    connectionId: input.connectionId ?? null,
    redirectUri: input.redirectUri,
    expiresAt,
    createdAt: now,
  });
  const payload = base64url.encode(
    JSON.stringify({ v: 1, k: deps.signer.currentKid, i: id, o: input.orgId, e: expiresAt }),
  );
  const key = await deps.signer.key(deps.signer.currentKid);
  if (!key) throw new Error('OAuth state signing key is missing');
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(payload)));
  return { state: `${payload}.${base64url.encode(sig)}`, expiresAt };
}

function invalid(): ConnectorError {
  return new ConnectorError(
    'auth',
    'state_invalid',
    'This sign-in link was not started here or was altered. Start again with "Sign in with BlueJeans".',
  );
}

/**
 * Verifies and consumes a state: signature, organization, expiry, then a one-time conditional update.
 * Fails with `state_invalid` (tampered, unknown, other organization), `state_expired` or `state_replayed`.
 */
export async function consumeState(
  deps: StateDeps,
  input: { state: string; orgId: string },
): Promise<{ connectionId: string | null; redirectUri: string }> {
  const parts = input.state.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalid();
  const [encoded, signature] = parts as [string, string];
  let payload: z.infer<typeof Payload>;
  let sig: Uint8Array;
  try {
    payload = Payload.parse(JSON.parse(new TextDecoder().decode(base64url.decode(encoded))));
    sig = base64url.decode(signature);
  } catch {
    throw invalid();
  }
  const key = await deps.signer.key(payload.k);
  // crypto.subtle.verify compares in constant time.
  if (!key || !(await crypto.subtle.verify('HMAC', key, sig as BufferSource, encoder.encode(encoded)))) {
    throw invalid();
  }
  if (payload.o !== input.orgId) throw invalid();
  const now = deps.now();
  if (payload.e <= now) throw expired();
  const used = await deps.db
    .update(oauthStates)
    .set({ usedAt: now })
    .where(
      and(
        eq(oauthStates.id, payload.i),
        eq(oauthStates.orgId, input.orgId),
        isNull(oauthStates.usedAt),
        gt(oauthStates.expiresAt, now),
      ),
    )
    .returning({ connectionId: oauthStates.connectionId, redirectUri: oauthStates.redirectUri });
  const row = used[0];
  if (row) return row;
  // Say why: the row tells replay from expiry from "never issued".
  const existing = (await deps.db.select().from(oauthStates).where(eq(oauthStates.id, payload.i)))[0];
  if (!existing || existing.orgId !== input.orgId) throw invalid();
  if (existing.usedAt != null) {
    throw new ConnectorError(
      'auth',
      'state_replayed',
      'This sign-in link was already used. Start again with "Sign in with BlueJeans".',
    );
  }
  throw expired();
}

function expired(): ConnectorError {
  return new ConnectorError(
    'auth',
    'state_expired',
    'This sign-in took longer than 10 minutes and expired. Start again with "Sign in with BlueJeans".',
  );
}
