/**
 * Single-use embed tokens: the first visit spends a token's `jti`, a second one (a replayed URL, a
 * leaked referrer) is refused. The spent id is an expiring row in `leases` (key
 * `embed-jti:<org>:<jti>`), the same atomic insert-or-take-over used for locks, so every process and
 * isolate sharing the database agrees, and two simultaneous visits cannot both win. The row lives until
 * the token could no longer be accepted anyway (its `exp` plus the clock tolerance); cron firings sweep
 * it a day later.
 */
import type { Db } from '../../db/client';
import { acquireLease, newHolderId } from '../lib/lease';
import { CLOCK_TOLERANCE_SECONDS, type EmbedClaims, EmbedTokenError } from './token';

/** Marks the token as used; throws a 401 EmbedTokenError when it already was. */
export async function spendEmbedToken(
  db: Db,
  claims: Pick<EmbedClaims, 'org' | 'jti' | 'exp'>,
  nowMs: number,
): Promise<void> {
  const until = (claims.exp + CLOCK_TOLERANCE_SECONDS) * 1000;
  const spent = await acquireLease(
    db,
    {
      key: `embed-jti:${claims.org}:${claims.jti}`,
      holder: newHolderId('embed'),
      ttlMs: Math.max(until - nowMs, 1000),
    },
    nowMs,
  );
  if (!spent) {
    throw new EmbedTokenError(
      401,
      'The embed token was already used: each token opens the card once. Sign a fresh token (with a new "jti") for each page view.',
    );
  }
}
