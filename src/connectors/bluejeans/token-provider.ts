/**
 * Tokens for one stored connection: memory, then the sealed cache, then a mint under the
 * `token:<connectionId>` lease, so that at most one token request per connection is in flight across every
 * process and Worker invocation (Nango's refresh races, #1005/#1016, are what this avoids).
 *
 * Whoever cannot take the lease waits and re-reads the cache until the holder has written the new token
 * (or the lease lapses, in which case it tries to take it itself).
 */
import type { Db } from '../../../db/client';
import type { Clock } from '../../lib/clock';
import { acquireLease, releaseLease } from '../../lib/lease';
import { ConnectorError } from '../types';
import type { AuthStrategy, TokenGrant } from './auth';
import type { BlueJeansClient, TokenSource } from './client';
import type { BlueJeansConfig } from './config';
import type { TokenCache } from './token-cache';

export interface TokenProvider extends TokenSource {
  /** The current grant (minting if needed), for its enterprise id and expiry. */
  grant(): Promise<TokenGrant>;
}

export interface TokenProviderDeps {
  db: Db;
  clock: Clock;
  config: BlueJeansConfig;
  cache: TokenCache;
  strategy: AuthStrategy;
  /** The client minting goes through (same limiter and budget as the session). */
  client: BlueJeansClient;
  connectionId: string;
  newHolder: () => string;
  /** Runs after a new grant is cached (e.g. to persist a rotated refresh token). */
  afterMint?: (grant: TokenGrant) => Promise<void>;
}

/** Whether `g` can still be used, leaving a margin sized to its lifetime. */
export function isFresh(g: TokenGrant, now: number, skewMs: number): boolean {
  const lifetime = Math.max(0, g.expiresAt - g.obtainedAt);
  const margin = Math.min(skewMs, lifetime / 5);
  return g.expiresAt - now > margin;
}

/** Builds the provider; one per session. */
export function createTokenProvider(deps: TokenProviderDeps): TokenProvider {
  const { clock, config, cache } = deps;
  const key = `token:${deps.connectionId}`;
  // Mint calls get waits well inside the lease, so a slow mint never outlives it and lets a second in.
  const mintClient = deps.client.with({
    retry: {
      maxRetries: config.maxRetries,
      maxTotalWaitMs: Math.min(config.maxTotalWaitMs, config.tokenLeaseMs / 4),
    },
  });
  let memo: TokenGrant | null = null;
  let inflight: Promise<TokenGrant> | null = null;

  async function obtain(): Promise<TokenGrant> {
    const started = clock.now();
    for (;;) {
      const cached = await cache.read();
      if (cached && isFresh(cached, clock.now(), config.tokenRefreshSkewMs)) return cached;
      const holder = deps.newHolder();
      if (await acquireLease(deps.db, { key, holder, ttlMs: config.tokenLeaseMs }, clock.now())) {
        try {
          // Someone may have finished a mint between our read and our lease.
          const again = await cache.read();
          if (again && isFresh(again, clock.now(), config.tokenRefreshSkewMs)) return again;
          const grant = await deps.strategy.mint(mintClient, again ?? cached);
          await cache.write(grant, clock.now());
          await deps.afterMint?.(grant);
          return grant;
        } finally {
          await releaseLease(deps.db, key, holder);
        }
      }
      if (clock.now() - started >= config.tokenWaitMs) {
        throw new ConnectorError(
          'transient',
          'token_busy',
          'Another Seatwise worker is renewing the BlueJeans sign-in and has not finished. Seatwise will try again shortly.',
        );
      }
      await clock.sleep(config.tokenPollMs);
    }
  }

  async function grant(): Promise<TokenGrant> {
    if (memo && isFresh(memo, clock.now(), config.tokenRefreshSkewMs)) return memo;
    // Callers in this session share one attempt; other sessions are held off by the lease.
    inflight ??= obtain().finally(() => {
      inflight = null;
    });
    memo = await inflight;
    return memo;
  }

  return {
    grant,
    async token() {
      return (await grant()).accessToken;
    },
    async reject(token) {
      if (memo?.accessToken === token) memo = null;
      await cache.expire(token);
      return deps.strategy.canRemint;
    },
  };
}
