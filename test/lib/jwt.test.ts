/**
 * src/lib/jwt.ts against jose: tokens either signs verify with the other, and for the same token, key and
 * options both accept, or both refuse with the same error class, claim and reason (what
 * src/embed/token.ts turns into its messages). Remote key sets: cached, refetched for an unknown kid.
 */
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify, signJwt } from '../../src/lib/jwt';

const secret = crypto.getRandomValues(new Uint8Array(32));
const NOW = 1_800_000_000;
const at = (s: number) => new Date(s * 1000);

async function outcome(run: () => Promise<{ payload: unknown }>) {
  try {
    return { ok: (await run()).payload };
  } catch (err) {
    const e = err as { name?: string; code?: string; claim?: string; reason?: string };
    return { code: e.code, claim: e.claim, reason: e.reason };
  }
}

const PAYLOADS: Record<string, unknown>[] = [
  { sub: 's', aud: 'a', exp: NOW + 60, iat: NOW, org: 'o' },
  { sub: 's', aud: ['x', 'a'], exp: NOW + 60 },
  { sub: 's', aud: 'b', exp: NOW + 60 },
  { sub: 's', exp: NOW + 60 },
  { aud: 'a', exp: NOW + 60 },
  { sub: 's', aud: 'a' },
  { sub: 's', aud: 'a', exp: NOW - 1 },
  { sub: 's', aud: 'a', exp: NOW - 40 },
  { sub: 's', aud: 'a', exp: NOW },
  { sub: 's', aud: 'a', exp: 'soon' },
  { sub: 's', aud: 'a', exp: NOW + 60, nbf: NOW + 10 },
  { sub: 's', aud: 'a', exp: NOW + 60, nbf: NOW + 100 },
  { sub: 's', aud: 'a', exp: NOW + 60, iat: 'x' },
  { sub: 's', aud: 'a', exp: NOW + 60, iss: 'https://i' },
];
const OPTIONS = [
  { algorithms: ['HS256'], audience: 'a', requiredClaims: ['exp', 'sub'], currentDate: at(NOW) },
  {
    algorithms: ['HS256'],
    audience: 'a',
    requiredClaims: ['sub', 'exp', 'iat'],
    clockTolerance: 30,
    currentDate: at(NOW),
  },
  { algorithms: ['HS256'], issuer: 'https://i', audience: 'a', currentDate: at(NOW) },
  { algorithms: ['RS256'], audience: 'a', currentDate: at(NOW) },
];

describe('JWT verification as jose does it', () => {
  it('agrees with jose on HS256 tokens, both ways', async () => {
    for (const payload of PAYLOADS) {
      const byJose = await new jose.SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', kid: 'k' })
        .sign(secret);
      const ours = await signJwt(payload, { alg: 'HS256', kid: 'k' }, secret);
      expect(ours).toBe(byJose);
      for (const options of OPTIONS) {
        const a = await outcome(() => jwtVerify(byJose, secret, options));
        const b = await outcome(() => jose.jwtVerify(byJose, secret, options));
        expect(a, JSON.stringify({ payload, options })).toEqual(b);
      }
    }
  });

  it('refuses a wrong signature, a wrong key, another algorithm and garbage like jose', async () => {
    const token = await signJwt({ sub: 's', aud: 'a', exp: NOW + 60 }, { alg: 'HS256' }, secret);
    const options = OPTIONS[0]!;
    const other = crypto.getRandomValues(new Uint8Array(32));
    const [h, p, s] = token.split('.') as [string, string, string];
    const none = `${jose.base64url.encode(JSON.stringify({ alg: 'none' }))}.${p}.`;
    const crit = await new jose.SignJWT({ sub: 's', aud: 'a', exp: NOW + 60 })
      .setProtectedHeader({ alg: 'HS256', crit: ['exp'], exp: 1 } as never)
      .sign(secret)
      .catch(() => `${jose.base64url.encode(JSON.stringify({ alg: 'HS256', crit: ['x'], x: 1 }))}.${p}.${s}`);
    for (const bad of [
      `${h}.${p}.${s.slice(0, -2)}AA`,
      none,
      crit,
      `${h}.${p}`,
      'garbage',
      `${h}.bm90IGpzb24.${s}`,
    ]) {
      expect(await outcome(() => jwtVerify(bad, secret, options))).toEqual(
        await outcome(() => jose.jwtVerify(bad, secret, options)),
      );
    }
    expect(await outcome(() => jwtVerify(token, other, options))).toEqual(
      await outcome(() => jose.jwtVerify(token, other, options)),
    );
    expect((await outcome(() => jwtVerify(token, other, options))).code).toBe(
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    );
  });

  for (const alg of ['RS256', 'ES256'] as const) {
    it(`verifies ${alg} against a remote key set, cached, refetched for an unknown kid`, async () => {
      const pair = await jose.generateKeyPair(alg);
      const later = await jose.generateKeyPair(alg);
      const published = [{ ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', use: 'sig' }];
      let fetches = 0;
      const jwks = createRemoteJWKSet(new URL('https://keys.example/jwks'), {
        fetch: async () => {
          fetches++;
          return Response.json({ keys: published });
        },
        cooldownDuration: 0,
      });
      const theirs = jose.createLocalJWKSet({ keys: published });
      const options = { algorithms: [alg], audience: 'a', currentDate: at(NOW) };
      const sign = (key: CryptoKey, kid: string, payload = { sub: 's', aud: 'a', exp: NOW + 60 }) =>
        new jose.SignJWT(payload).setProtectedHeader({ alg, kid }).sign(key);

      const good = await sign(pair.privateKey, 'k1');
      expect((await jwtVerify(good, jwks, options)).payload.sub).toBe('s');
      expect((await jwtVerify(good, jwks, options)).payload.sub).toBe('s');
      expect(fetches).toBe(1);
      for (const t of [
        await sign(pair.privateKey, 'k1', { sub: 's', aud: 'b', exp: NOW + 60 }),
        await sign(later.privateKey, 'k1'),
      ]) {
        expect(await outcome(() => jwtVerify(t, jwks, options))).toEqual(
          await outcome(() => jose.jwtVerify(t, theirs, options)),
        );
      }
      const rotated = await sign(later.privateKey, 'k2');
      expect((await outcome(() => jwtVerify(rotated, jwks, options))).code).toBe('ERR_JWKS_NO_MATCHING_KEY');
      published.push({ ...(await jose.exportJWK(later.publicKey)), kid: 'k2', use: 'sig' });
      expect((await jwtVerify(rotated, jwks, options)).payload.sub).toBe('s');
      // No kid and two keys that fit: refused by both.
      const unnamed = await new jose.SignJWT({ sub: 'n', aud: 'a', exp: NOW + 60 })
        .setProtectedHeader({ alg })
        .sign(later.privateKey);
      const local = jose.createLocalJWKSet({ keys: published });
      expect(await outcome(() => jwtVerify(unnamed, jwks, options))).toEqual(
        await outcome(() => jose.jwtVerify(unnamed, local, options)),
      );
      expect((await outcome(() => jwtVerify(unnamed, jwks, options))).code).toBe(
        'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
      );
      const hs = await signJwt({ sub: 's', aud: 'a', exp: NOW + 60 }, { alg: 'HS256' }, secret);
      expect((await outcome(() => jwtVerify(hs, jwks, options))).code).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
    });
  }
});
