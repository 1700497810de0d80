/**
 * Sealing secrets at rest: JWE compact (jwe.ts; jose's format), `dir` + `A256GCM`, one `kid` per key.
 *
 * Each sealed value is bound to where it belongs (organization, connection and
 * purpose) through the JWE protected header, which A256GCM authenticates: a
 * value copied to another row, or used for another purpose, fails to unseal.
 * Decryption pins the algorithms and refuses unknown `kid`s.
 *
 * Key ring format (`SEAL_KEYS`): comma-separated `kid:base64url(32 bytes)`,
 * oldest first; the last key seals, every key unseals. Rotate by appending a
 * key and running `npm run keys:rotate` (re-wraps every connection's data key
 * under the newest). A connection's own secrets are not sealed here directly
 * but under its data key (envelope encryption: envelope.ts, vault.ts); this ring
 * seals data keys and values that belong to no connection's vault.
 */
import { base64url, decodeProtectedHeader, decryptDir, encryptDir } from './jwe';

export interface SealBinding {
  orgId: string;
  connectionId: string;
  /** What the value is, e.g. `credentials` or `token`. */
  purpose: string;
}

export class SealError extends Error {
  override readonly name = 'SealError';
}

export interface KeyRing {
  /** kid of the key that seals new values. */
  readonly currentKid: string;
  readonly kids: readonly string[];
  key(kid: string): Uint8Array | undefined;
}

const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Parses `SEAL_KEYS`; throws a message naming the bad entry (never the key material). */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0)
    throw new SealError('SEAL_KEYS is empty: expected kid:base64url-32-byte-key[,...]');
  const keys = new Map<string, Uint8Array>();
  entries.forEach((entry, i) => {
    const sep = entry.indexOf(':');
    const kid = entry.slice(0, sep);
    if (sep < 1 || !KID_PATTERN.test(kid)) {
      throw new SealError(`SEAL_KEYS entry ${i + 1} has no valid kid (expected kid:key)`);
    }
    let key: Uint8Array;
    try {
      key = base64url.decode(entry.slice(sep + 1));
    } catch {
      throw new SealError(`SEAL_KEYS key "${kid}" is not base64url`);
    }
    if (key.length !== 32) throw new SealError(`SEAL_KEYS key "${kid}" must be 32 bytes, got ${key.length}`);
    if (keys.has(kid)) throw new SealError(`SEAL_KEYS has kid "${kid}" twice`);
    keys.set(kid, key);
  });
  const kids = [...keys.keys()];
  return { currentKid: kids[kids.length - 1]!, kids, key: (kid) => keys.get(kid) };
}

/** A fresh key ring entry `kid:key` (what `npm run keys:generate` prints). */
export function generateKeyEntry(now = Date.now()): string {
  const kid = `k${new Date(now)
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14)}`;
  return `${kid}:${base64url.encode(crypto.getRandomValues(new Uint8Array(32)))}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Seals `plaintext` under the ring's current key, bound to `binding`. */
export async function seal(ring: KeyRing, plaintext: string, binding: SealBinding): Promise<string> {
  const key = ring.key(ring.currentKid)!;
  return encryptDir(
    encoder.encode(plaintext),
    {
      alg: 'dir',
      enc: 'A256GCM',
      kid: ring.currentKid,
      org: binding.orgId,
      cid: binding.connectionId,
      pur: binding.purpose,
    },
    key,
  );
}

/** Opens a sealed value; throws `SealError` if the kid is unknown, the value was tampered with or moved. */
export async function unseal(ring: KeyRing, sealed: string, binding: SealBinding): Promise<string> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(sealed);
  } catch {
    throw new SealError('sealed value is malformed');
  }
  const kid = typeof header.kid === 'string' ? header.kid : '';
  const key = ring.key(kid);
  if (!key) throw new SealError(`sealed value uses unknown key id "${kid}"`);
  if (header.org !== binding.orgId || header.cid !== binding.connectionId || header.pur !== binding.purpose) {
    throw new SealError('sealed value belongs to another organization, connection or purpose');
  }
  try {
    const { plaintext } = await decryptDir(sealed, key);
    return decoder.decode(plaintext);
  } catch {
    throw new SealError('sealed value failed authentication');
  }
}

/** kid a sealed value was made with, to find values that need re-sealing after rotation. */
export function sealedKid(sealed: string): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(sealed);
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/** A convenience wrapper that carries the ring, so callers pass one object around. */
export interface Sealer {
  readonly ring: KeyRing;
  seal(plaintext: string, binding: SealBinding): Promise<string>;
  unseal(sealed: string, binding: SealBinding): Promise<string>;
}

export function createSealer(ring: KeyRing): Sealer {
  return {
    ring,
    seal: (p, b) => seal(ring, p, b),
    unseal: (s, b) => unseal(ring, s, b),
  };
}
