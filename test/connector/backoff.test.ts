import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullJitterDelay, parseRetryAfter } from '../../src/lib/backoff';
import { createRequestBudget } from '../../src/lib/request-budget';
import { createTokenBucket } from '../../src/lib/token-bucket';
import { manualClock } from './support';

describe('fullJitterDelay', () => {
  it('stays within [0, min(cap, base * 2^attempt)) for any random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, capMs, r) => {
          const d = fullJitterDelay(attempt, { baseMs, capMs, random: () => r });
          const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(Math.max(1, ceiling));
        },
      ),
    );
  });

  it('grows exponentially with the attempt and is capped', () => {
    const opts = { baseMs: 1000, capMs: 10_000, random: () => 0.999999 };
    expect(fullJitterDelay(0, opts)).toBe(999);
    expect(fullJitterDelay(2, opts)).toBe(3999);
    expect(fullJitterDelay(10, opts)).toBe(9999);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 15, 12);
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter(new Date(now + 42_000).toUTCString(), now)).toBe(42_000);
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('token bucket', () => {
  it('lets a burst through, then paces to the configured rate', async () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, clock });
    const t0 = clock.now();
    for (let i = 0; i < 10; i++) await bucket.take();
    // 2 free (burst), then 8 more at 2/s = 4 s.
    expect(clock.now() - t0).toBe(4000);
    expect(clock.slept.every((ms) => ms === 500)).toBe(true);
  });

  it('shares one rate between concurrent takers', async () => {
    // Time stands still while they queue (all reserve at the same instant): only reservations differ.
    const slept: number[] = [];
    const clock = { now: () => 1_000_000, sleep: async (ms: number) => void slept.push(ms) };
    const bucket = createTokenBucket({ ratePerSecond: 4, burst: 1, clock });
    await Promise.all(Array.from({ length: 5 }, () => bucket.take()));
    // Four reservations beyond the first wait 250, 500, 750, 1000 ms.
    expect(slept).toEqual([250, 500, 750, 1000]);
  });

  it('refills after a quiet period without exceeding the burst', async () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, clock });
    await bucket.take();
    await bucket.take();
    clock.advance(60_000);
    expect(bucket.available).toBe(2);
  });
});

describe('request budget', () => {
  it('hands out exactly its limit', () => {
    const b = createRequestBudget(3);
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, false]);
    expect(b.used).toBe(3);
    expect(b.remaining).toBe(0);
  });
});
