/**
 * A token bucket on an injected clock: `take()` resolves when a request may go out.
 *
 * Callers reserve a slot synchronously (the balance may go negative) and then sleep until their slot,
 * so concurrent streams of one connection queue fairly without a timer loop. One bucket per connection is
 * shared by all of its streams, so together they stay under the vendor's rate.
 */
import type { Clock } from './clock';

export interface RateLimiter {
  /** Waits until one request may be sent. */
  take(): Promise<void>;
}

export interface TokenBucketOptions {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Requests allowed back-to-back after a quiet period; defaults to the rate (at least 1). */
  burst?: number;
  clock: Clock;
}

/** Creates a token bucket limiter; it starts full. */
export function createTokenBucket(opts: TokenBucketOptions): RateLimiter & { readonly available: number } {
  if (!(opts.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
  const capacity = Math.max(1, opts.burst ?? Math.floor(opts.ratePerSecond));
  const perMs = opts.ratePerSecond / 1000;
  let tokens = capacity;
  let last = opts.clock.now();

  const refill = () => {
    const now = opts.clock.now();
    if (now > last) {
      tokens = Math.min(capacity, tokens + (now - last) * perMs);
      last = now;
    }
  };

  return {
    get available() {
      refill();
      return tokens;
    },
    async take() {
      refill();
      tokens -= 1;
      if (tokens >= 0) return;
      // Our reservation is -tokens units short; it becomes ours after that many refill intervals.
      const waitMs = Math.ceil(-tokens / perMs);
      await opts.clock.sleep(waitMs);
    },
  };
}
