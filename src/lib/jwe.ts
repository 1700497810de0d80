/**
 * JWE compact serialization with `alg: "dir"` and `enc: "A256GCM"` (RFC 7516, RFC 7518 §5.3), the only
 * kind Seatwise seals with (seal.ts, envelope.ts), on WebCrypto's AES-GCM; and base64url.
 *
 * Why not jose's CompactEncrypt/compactDecrypt: they carry every JWE key management algorithm (RSA-OAEP,
 * ECDH-ES, AES-KW, PBES2) and content encryption (CBC-HS), about 5 KB of the Worker's gzip, for one
 * pair of algorithms. The format is jose's to the byte, so values sealed before decrypt unchanged, and
 * test/connections/jwe.test.ts decrypts each with the other. Decryption refuses anything but dir +
 * A256GCM with a 96-bit IV and a 128-bit tag, an encrypted key, compression and `crit`.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const base64url = {
  encode(input: Uint8Array | string): string {
    const bytes = typeof input === 'string' ? encoder.encode(input) : input;
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  },
  /** Throws TypeError on anything that is not base64url (jose's message). */
  decode(input: string): Uint8Array {
    try {
      if (/[+/]/.test(input)) throw new TypeError('Invalid base64url');
      const bin = atob(input.replace(/-/g, '+').replace(/_/g, '/'));
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return bytes;
    } catch (cause) {
      throw new TypeError('The input to be decoded is not correctly encoded.', { cause });
    }
  },
};

export type ProtectedHeader = Record<string, unknown> & { alg?: string; enc?: string; kid?: string };

/** The protected header of a compact JWS or JWE, unverified; throws on a malformed token. */
export function decodeProtectedHeader(token: string): ProtectedHeader {
  const first = token.split('.')[0];
  if (!first) throw new TypeError('Invalid Token or Protected Header formatting');
  const header: unknown = JSON.parse(decoder.decode(base64url.decode(first)));
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new TypeError('Invalid Token or Protected Header formatting');
  }
  return header as ProtectedHeader;
}

const aesKey = (key: Uint8Array, use: KeyUsage) => {
  if (key.length !== 32) throw new TypeError('Invalid Content Encryption Key length');
  return crypto.subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, [use]);
};

/** Encrypts `plaintext` under the 32-byte `key`; `header` (alg dir, enc A256GCM, plus bindings) is authenticated. */
export async function encryptDir(
  plaintext: Uint8Array,
  header: ProtectedHeader,
  key: Uint8Array,
): Promise<string> {
  if (header.alg !== 'dir' || header.enc !== 'A256GCM')
    throw new TypeError('only dir + A256GCM is supported');
  const h = base64url.encode(JSON.stringify(header));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: encoder.encode(h), tagLength: 128 },
      await aesKey(key, 'encrypt'),
      plaintext as BufferSource,
    ),
  );
  const tag = sealed.subarray(sealed.length - 16);
  const ciphertext = sealed.subarray(0, sealed.length - 16);
  return `${h}..${base64url.encode(iv)}.${base64url.encode(ciphertext)}.${base64url.encode(tag)}`;
}

/** Decrypts a compact dir + A256GCM JWE; throws on any other form, a wrong key or tampering. */
export async function decryptDir(
  jwe: string,
  key: Uint8Array,
): Promise<{ plaintext: Uint8Array; protectedHeader: ProtectedHeader }> {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new TypeError('Invalid Compact JWE');
  const [h, encryptedKey, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  const header = decodeProtectedHeader(jwe);
  if (header.alg !== 'dir' || header.enc !== 'A256GCM') throw new TypeError('algorithm not allowed');
  if (encryptedKey !== '') throw new TypeError('Encountered unexpected JWE Encrypted Key');
  if ('zip' in header || 'crit' in header) throw new TypeError('unsupported JWE header parameter');
  const ivBytes = base64url.decode(iv);
  const tagBytes = base64url.decode(tag);
  if (ivBytes.length !== 12) throw new TypeError('Invalid Initialization Vector length');
  if (tagBytes.length !== 16) throw new TypeError('Invalid Authentication Tag length');
  const ct = base64url.decode(ciphertext);
  const data = new Uint8Array(ct.length + 16);
  data.set(ct);
  data.set(tagBytes, ct.length);
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: ivBytes as BufferSource, additionalData: encoder.encode(h), tagLength: 128 },
    await aesKey(key, 'decrypt'),
    data,
  );
  return { plaintext: new Uint8Array(plaintext), protectedHeader: header };
}
