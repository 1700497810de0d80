/** Builders for the embed tests: an app with embedding on, and a host portal's token signer. */
import { SignJWT } from 'jose';
import { manualClock } from '../../src/lib/clock';
import { testApp } from '../helpers/deps';

export const SECRET = 'test-embed-secret-0123456789-abcdefghijklmnop';
export const HOSTS = ['https://portal.example.com', 'http://127.0.0.1:9999'];
export const COOKIE_NAME = '__Host-seatwise_embed';

export interface SignOptions {
  alg?: string;
  secret?: string;
  aud?: string | null;
  /** Seconds from the clock's now; null leaves exp out. */
  expIn?: number | null;
  iatOffset?: number | null;
  /** The token's id; a fresh random one by default, null leaves it out. */
  jti?: string | null;
}

/** Signs claims the way a host portal would (defaults: a valid admin token for `local`). */
export function signer(nowMs: () => number) {
  return (claims: Record<string, unknown> = {}, o: SignOptions = {}) => {
    const now = Math.floor(nowMs() / 1000);
    const body: Record<string, unknown> = { org: 'local', sub: 'user-1', role: 'admin', ...claims };
    for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
    const jwt = new SignJWT(body).setProtectedHeader({ alg: o.alg ?? 'HS256' });
    if (o.aud !== null) jwt.setAudience(o.aud ?? 'seatwise-embed');
    if (o.iatOffset !== null) jwt.setIssuedAt(now + (o.iatOffset ?? 0));
    if (o.expIn !== null) jwt.setExpirationTime(now + (o.expIn ?? 600));
    if (o.jti !== null) jwt.setJti(o.jti ?? crypto.randomUUID());
    return jwt.sign(new TextEncoder().encode(o.secret ?? SECRET));
  };
}

export async function embedApp(env: Record<string, string> = {}) {
  const clock = manualClock();
  const t = await testApp({
    clock,
    env: { EMBED_SECRET: SECRET, EMBED_ALLOWED_ORIGINS: HOSTS.join(','), ...env },
  });
  return { ...t, clock, sign: signer(() => clock.now()) };
}

/** The `name=value` part of the session cookie a response set, for the next request. */
export function sessionCookie(res: Response): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${COOKIE_NAME}=`));
  if (!line) throw new Error('no session cookie was set');
  return line.split(';')[0]!;
}
