/**
 * Keyed attempt limits, e.g. credential verification per organization and client address (each attempt
 * costs a request to BlueJeans, so an unlimited form would let anyone guess App Secrets at BlueJeans'
 * expense).
 *
 * The interface has the shape of the Workers Rate Limiting binding (`limit({ key })` → `{ success }`), so
 * a binding can stand behind it on Workers; Node and Deno (and Workers without a binding) use the
 * database counter below, shared by every process that shares the database.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { rateLimits } from '../../db/schema';
import type { Clock } from './clock';

export interface RateLimitOutcome {
  /** False when this attempt is over the limit: refuse it without doing the work. */
  success: boolean;
  /** When known, how long until an attempt would be allowed again. */
  retryAfterSeconds?: number;
}

/** One call per attempt (the attempt is counted whether or not it is allowed). */
export interface RateLimit {
  limit(options: { key: string }): Promise<RateLimitOutcome>;
}

export interface RateLimitPolicy {
  /** Attempts allowed per period and key. */
  limit: number;
  /** 10 or 60 keeps it expressible as a Workers Rate Limiting binding. */
  periodSeconds: number;
}

/** Credential verification: 5 attempts a minute per organization and client address. */
export const VERIFY_RATE_LIMIT: RateLimitPolicy = { limit: 5, periodSeconds: 60 };

/** The key credential verification is counted under. */
export function verifyRateLimitKey(orgId: string, clientAddress: string): string {
  return `verify:${orgId}:${clientAddress}`;
}

/**
 * A fixed-window counter in `rate_limits`: one atomic upsert per attempt (a new window resets the
 * count), so simultaneous attempts from several processes are all counted.
 */
export function dbRateLimit(db: Db, clock: Pick<Clock, 'now'>, policy: RateLimitPolicy): RateLimit {
  const periodMs = policy.periodSeconds * 1000;
  return {
    async limit({ key }) {
      const now = clock.now();
      const windowStart = Math.floor(now / periodMs) * periodMs;
      const windowEnd = windowStart + periodMs;
      const rows = await db
        .insert(rateLimits)
        .values({ key, windowStart, count: 1, expiresAt: windowEnd })
        .onConflictDoUpdate({
          target: rateLimits.key,
          set: {
            count: sql`case when ${rateLimits.windowStart} = excluded.window_start then ${rateLimits.count} + 1 else 1 end`,
            windowStart: sql`excluded.window_start`,
            expiresAt: sql`excluded.expires_at`,
          },
        })
        .returning({ count: rateLimits.count });
      const count = rows[0]?.count ?? 1;
      if (count <= policy.limit) return { success: true };
      return { success: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
    },
  };
}

/** What a Workers Rate Limiting binding offers (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/**
 * The Workers Rate Limiting binding behind `RateLimit`: counted by the platform, no database round trip.
 * Its limit and period are the binding's (wrangler.toml mirrors `policy`); it does not say when a key
 * is allowed again, so a refusal answers the whole period as the wait.
 */
export function bindingRateLimit(binding: RateLimitBinding, policy: RateLimitPolicy): RateLimit {
  return {
    async limit({ key }) {
      const { success } = await binding.limit({ key });
      return success ? { success } : { success, retryAfterSeconds: policy.periodSeconds };
    },
  };
}

/** Deletes counters whose window ended before `before` (cron firings call it). */
export async function pruneRateLimits(db: Db, before: number): Promise<number> {
  const result = await db.delete(rateLimits).where(sql`${rateLimits.expiresAt} < ${before}`);
  return result.rowsAffected;
}
