/**
 * Envelope encryption: each connection's secrets are sealed under that connection's own random data
 * key, and only the data key is sealed ("wrapped") under the key ring (`SEAL_KEYS`, see seal.ts).
 *
 * Why: destroying one small value (the wrapped data key) makes every copy of the connection's
 * ciphertext unreadable, wherever it lingers (free pages, an old WAL frame, a backup, a Turso
 * replica), even to someone who holds the whole key ring. And rotating the key ring only re-wraps one
 * data key per connection instead of re-sealing every secret.
 *
 * Sealed formats (both JWE compact as jose writes it, see jwe.ts; `dir` + `A256GCM`, bound to
 * organization, connection and purpose through the authenticated protected header):
 * - version 1 (rows written before envelope encryption): directly under a ring key, header `kid`.
 * - version 2: under a data key, header `v: 2` and `dk` (the data key's id); no ring `kid`.
 * A wrapped data key is a version-1 value of purpose `data-key:<id>`, so it cannot be swapped for
 * another connection's or another key of the same connection.
 */
import { base64url, decodeProtectedHeader, decryptDir, encryptDir } from './jwe';
import { type KeyRing, type SealBinding, SealError, seal, unseal } from './seal';

export const ENVELOPE_VERSION = 2;

/** A connection's data key, unwrapped (in memory only). */
export interface DataKey {
  /** Random id, named by every value sealed under the key. */
  readonly id: string;
  readonly key: Uint8Array;
}

/** Which form a stored sealed value has. */
export type SealedFormat =
  | { version: 1; kid: string | undefined }
  | { version: 2; dataKeyId: string }
  | { version: 'unknown' };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A fresh random 256-bit data key. */
export function generateDataKey(): DataKey {
  return {
    id: `dk_${base64url.encode(crypto.getRandomValues(new Uint8Array(12)))}`,
    key: crypto.getRandomValues(new Uint8Array(32)),
  };
}

const wrapPurpose = (id: string) => `data-key:${id}`;

/** Seals a data key under the ring's current key, bound to its connection and its id. */
export function wrapDataKey(
  ring: KeyRing,
  dataKey: DataKey,
  binding: Omit<SealBinding, 'purpose'>,
): Promise<string> {
  return seal(ring, base64url.encode(dataKey.key), { ...binding, purpose: wrapPurpose(dataKey.id) });
}

/** Opens a wrapped data key; throws SealError (unknown ring key, tampered, another row's key). */
export async function unwrapDataKey(
  ring: KeyRing,
  wrapped: string,
  id: string,
  binding: Omit<SealBinding, 'purpose'>,
): Promise<DataKey> {
  const encoded = await unseal(ring, wrapped, { ...binding, purpose: wrapPurpose(id) });
  const key = base64url.decode(encoded);
  if (key.length !== 32) throw new SealError('wrapped data key has the wrong length');
  return { id, key };
}

/** Seals `plaintext` under a data key (format version 2). */
export function sealWithDataKey(dataKey: DataKey, plaintext: string, binding: SealBinding): Promise<string> {
  return encryptDir(
    encoder.encode(plaintext),
    {
      alg: 'dir',
      enc: 'A256GCM',
      v: ENVELOPE_VERSION,
      dk: dataKey.id,
      org: binding.orgId,
      cid: binding.connectionId,
      pur: binding.purpose,
    },
    dataKey.key,
  );
}

/** Opens a version-2 value; throws SealError if it names another key, was moved or tampered with. */
export async function unsealWithDataKey(
  dataKey: DataKey,
  sealed: string,
  binding: SealBinding,
): Promise<string> {
  const format = sealedFormat(sealed);
  if (format.version !== 2) throw new SealError('sealed value is not sealed under a data key');
  if (format.dataKeyId !== dataKey.id) {
    throw new SealError('sealed value was made with a data key this connection no longer has');
  }
  const header = decodeProtectedHeader(sealed);
  if (header.org !== binding.orgId || header.cid !== binding.connectionId || header.pur !== binding.purpose) {
    throw new SealError('sealed value belongs to another organization, connection or purpose');
  }
  try {
    const { plaintext } = await decryptDir(sealed, dataKey.key);
    return decoder.decode(plaintext);
  } catch {
    throw new SealError('sealed value failed authentication');
  }
}

/** Reads a sealed value's format from its header (never decrypts). */
export function sealedFormat(sealed: string): SealedFormat {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(sealed);
  } catch {
    return { version: 'unknown' };
  }
  if (header.v === ENVELOPE_VERSION) {
    return typeof header.dk === 'string' ? { version: 2, dataKeyId: header.dk } : { version: 'unknown' };
  }
  if (header.v !== undefined) return { version: 'unknown' };
  return { version: 1, kid: typeof header.kid === 'string' ? header.kid : undefined };
}
