/**
 * src/lib/jwe.ts is jose's JWE compact dir + A256GCM to the byte: values sealed by either open with the
 * other, so secrets sealed before jose left the bundle still unseal. Tampering, another key, another
 * algorithm, an encrypted key or compression are refused; base64url matches jose's, errors included.
 */
import {
  CompactEncrypt,
  compactDecrypt,
  base64url as joseB64,
  decodeProtectedHeader as joseHeader,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { base64url, decodeProtectedHeader, decryptDir, encryptDir } from '../../src/lib/jwe';

const key = crypto.getRandomValues(new Uint8Array(32));
const header = { alg: 'dir', enc: 'A256GCM', kid: 'k1', org: 'o', cid: 'c', pur: 'credentials' };
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('JWE dir + A256GCM', () => {
  it('opens what jose sealed, and jose opens what it seals, header included', async () => {
    for (const plaintext of ['', 'secret', '{"appKey":"k","appSecret":"s é 😀"}', 'x'.repeat(70_000)]) {
      const byJose = await new CompactEncrypt(bytes(plaintext)).setProtectedHeader(header).encrypt(key);
      const opened = await decryptDir(byJose, key);
      expect(text(opened.plaintext)).toBe(plaintext);
      expect(opened.protectedHeader).toEqual(header);

      const ours = await encryptDir(bytes(plaintext), header, key);
      const { plaintext: back, protectedHeader } = await compactDecrypt(ours, key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      expect(text(back)).toBe(plaintext);
      expect(protectedHeader).toEqual(header);
      expect(ours.split('.')[0]).toBe(byJose.split('.')[0]);
      expect(decodeProtectedHeader(ours)).toEqual(joseHeader(ours));
    }
  });

  it('refuses tampering, another key and other forms', async () => {
    const sealed = await encryptDir(bytes('secret'), header, key);
    const [h, , iv, ct, tag] = sealed.split('.') as [string, string, string, string, string];
    const other = crypto.getRandomValues(new Uint8Array(32));
    await expect(decryptDir(sealed, other)).rejects.toThrow();
    const moved = base64url.encode(JSON.stringify({ ...header, org: 'other' }));
    await expect(decryptDir([moved, '', iv, ct, tag].join('.'), key)).rejects.toThrow();
    const flipped = ct.slice(0, -1) + (ct.endsWith('A') ? 'B' : 'A');
    await expect(decryptDir([h, '', iv, flipped, tag].join('.'), key)).rejects.toThrow();
    await expect(decryptDir([h, 'AAAA', iv, ct, tag].join('.'), key)).rejects.toThrow(/Encrypted Key/);
    const cbc = base64url.encode(JSON.stringify({ ...header, enc: 'A128CBC-HS256' }));
    await expect(decryptDir([cbc, '', iv, ct, tag].join('.'), key)).rejects.toThrow(/not allowed/);
    const zip = base64url.encode(JSON.stringify({ ...header, zip: 'DEF' }));
    await expect(decryptDir([zip, '', iv, ct, tag].join('.'), key)).rejects.toThrow();
    await expect(decryptDir([h, '', iv, ct].join('.'), key)).rejects.toThrow();
    await expect(decryptDir(sealed, key.subarray(0, 16))).rejects.toThrow(/length/);
    expect(text((await decryptDir(sealed, key)).plaintext)).toBe('secret');
  });

  it('base64url encodes and refuses like jose', () => {
    for (const n of [0, 1, 2, 3, 31, 32, 33, 1000]) {
      const b = crypto.getRandomValues(new Uint8Array(n));
      expect(base64url.encode(b)).toBe(joseB64.encode(b));
      expect(base64url.decode(joseB64.encode(b))).toEqual(b);
    }
    for (const bad of ['a+b', 'a/b', '!!', 'a']) {
      expect(() => base64url.decode(bad)).toThrow('The input to be decoded is not correctly encoded.');
      expect(() => joseB64.decode(bad)).toThrow('The input to be decoded is not correctly encoded.');
    }
    expect(() => decodeProtectedHeader('bm90IGpzb24.x.y')).toThrow();
    expect(() => decodeProtectedHeader(`${base64url.encode('[1]')}.x`)).toThrow();
  });
});
