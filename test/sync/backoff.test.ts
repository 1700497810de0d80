import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/sync/backoff';

const MIN = 60_000;

describe('retry backoff', () => {
  it('doubles from 15 minutes and caps at 6 hours, jitter only shortening it', () => {
    expect(retryDelayMs(1, () => 0)).toBe(15 * MIN);
    expect(retryDelayMs(2, () => 0)).toBe(30 * MIN);
    expect(retryDelayMs(3, () => 0)).toBe(60 * MIN);
    expect(retryDelayMs(10, () => 0)).toBe(360 * MIN);
    expect(retryDelayMs(50, () => 0.999)).toBeGreaterThan(0.8 * 360 * MIN);
    expect(retryDelayMs(50, () => 0.999)).toBeLessThanOrEqual(360 * MIN);
    expect(retryDelayMs(1, () => 0.5)).toBe(13.5 * MIN);
  });
});
