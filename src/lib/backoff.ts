/**
 * Retry timing: exponential backoff with full jitter, and `Retry-After` parsing.
 *
 * Full jitter (sleep a uniformly random time up to the exponential ceiling) spreads retries of many clients
 * hitting the same limit, instead of having them come back in lock-step.
 */

export interface BackoffOptions {
  /** Ceiling of the first retry's wait. */
  baseMs: number;
  /** Largest ceiling any retry may reach. */
  capMs: number;
  /** A number in [0, 1); injectable so tests are deterministic. */
  random: () => number;
}

/** Wait before retry number `attempt` (0-based): uniform in [0, min(cap, base * 2^attempt)). */
export function fullJitterDelay(attempt: number, opts: BackoffOptions): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt));
  const r = Math.min(Math.max(opts.random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * `Retry-After` as milliseconds from `now`: either delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Undefined when absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (/^\d+\.\d+$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
