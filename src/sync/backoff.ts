/**
 * When a failed sync is retried: 15 min * 2^(failures-1), capped at 6 h, minus up to 20% jitter so
 * connections failing together (a vendor outage) do not all come back in the same minute, and the cap holds.
 */

const BASE_MS = 15 * 60_000;
const CAP_MS = 6 * 60 * 60_000;
const JITTER = 0.2;

/** Delay before the next attempt after `failures` consecutive failures (>= 1). */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(failures));
  const ceiling = Math.min(BASE_MS * 2 ** (n - 1), CAP_MS);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling * (1 - JITTER * r));
}
