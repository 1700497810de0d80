import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  CLOCK_TOLERANCE_SECONDS,
  checkEmbedClaims,
  EmbedTokenError,
  MAX_TOKEN_LIFE_SECONDS,
  verifyEmbedToken,
} from '../../src/embed/token';
import { SECRET } from './support';

const NOW = 1_768_478_400;
const ORG = 'local';

const anyValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null), fc.boolean());
const claims = fc.record(
  {
    org: fc.oneof(fc.constant(ORG), fc.constant('acme'), fc.constant(''), anyValue),
    sub: fc.oneof(fc.string({ minLength: 0, maxLength: 300 }), anyValue),
    role: fc.oneof(fc.constantFrom('admin', 'viewer', 'owner', 'Admin', ''), anyValue),
    exp: fc.oneof(fc.integer({ min: NOW - 3600, max: NOW + 3600 }), anyValue),
    iat: fc.oneof(fc.integer({ min: NOW - 3600, max: NOW + 3600 }), anyValue),
    jti: fc.oneof(fc.uuid(), fc.string({ minLength: 0, maxLength: 300 }), anyValue),
  },
  { requiredKeys: [] },
);

/** The rules of DESIGN.md written out plainly, as the oracle. */
function acceptable(p: Record<string, unknown>): 'ok' | 401 | 403 {
  const { org, sub, role, exp, iat, jti } = p;
  const id = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 256;
  if (!id(org) || !id(sub) || !id(jti) || (role !== 'admin' && role !== 'viewer')) return 401;
  // iat is required: without it a token's life cannot be bounded (the 15 min 30 s finding).
  if (typeof exp !== 'number' || typeof iat !== 'number') return 401;
  if (exp - NOW > MAX_TOKEN_LIFE_SECONDS + CLOCK_TOLERANCE_SECONDS) return 401;
  if (exp - iat > MAX_TOKEN_LIFE_SECONDS || iat - NOW > CLOCK_TOLERANCE_SECONDS) return 401;
  if (exp <= NOW - CLOCK_TOLERANCE_SECONDS) return 401;
  return org === ORG ? 'ok' : 403;
}

describe('embed claim validation (properties)', () => {
  it('accepts exactly the claims the rules allow, and returns them unchanged', () => {
    fc.assert(
      fc.property(claims, (p) => {
        const expected = acceptable(p);
        try {
          const got = checkEmbedClaims(p, ORG, NOW);
          expect(expected).toBe('ok');
          expect(got).toEqual({ org: p.org, sub: p.sub, role: p.role, exp: p.exp, jti: p.jti });
        } catch (err) {
          expect(err).toBeInstanceOf(EmbedTokenError);
          expect((err as EmbedTokenError).status).toBe(expected);
          expect((err as Error).message.length).toBeGreaterThan(20);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts a token that lives longer than 15 minutes, whatever its iat says', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_TOKEN_LIFE_SECONDS + CLOCK_TOLERANCE_SECONDS + 1, max: 10 ** 8 }),
        fc.integer({ min: -(10 ** 8), max: CLOCK_TOLERANCE_SECONDS }),
        (ahead, iatOffset) => {
          expect(() =>
            checkEmbedClaims(
              { org: ORG, sub: 'u', role: 'admin', exp: NOW + ahead, iat: NOW + iatOffset, jti: 'j' },
              ORG,
              NOW,
            ),
          ).toThrow(/at most 15 minutes/);
        },
      ),
    );
  });

  it('rejects any one-character change to a signed token (or yields the very same claims)', async () => {
    const key = new TextEncoder().encode(SECRET);
    const token = await new SignJWT({ org: ORG, sub: 'user-1', role: 'viewer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti('token-1')
      .setAudience('seatwise-embed')
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 600)
      .sign(key);
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...chars), async (at, ch) => {
        const changed = token.slice(0, at) + ch + token.slice(at + 1);
        try {
          const got = await verifyEmbedToken(changed, SECRET, ORG, NOW * 1000);
          // base64url's last character can carry unused bits: a no-op change decodes identically.
          expect(got).toEqual({ org: ORG, sub: 'user-1', role: 'viewer', exp: NOW + 600, jti: 'token-1' });
        } catch (err) {
          expect(err).toBeInstanceOf(EmbedTokenError);
          expect((err as EmbedTokenError).status).toBe(401);
        }
      }),
      { numRuns: 200 },
    );
  });
});
