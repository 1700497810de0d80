/**
 * The retry loop: at most `maxRetries` retries, waits from `Retry-After` when the vendor gave one or else
 * exponential backoff with full jitter, and a cap on the total time spent waiting. What is retryable is
 * decided by the caller (the client), which returns `{ retry }` for it; anything thrown is final.
 */
import { fullJitterDelay } from '../../lib/backoff';
import type { Clock } from '../../lib/clock';
import type { ConnectorError } from '../types';

export interface RetryPolicy {
  maxRetries: number;
  maxTotalWaitMs: number;
  baseMs: number;
  capMs: number;
  random: () => number;
  clock: Clock;
}

/** One attempt's outcome: a value, or an error worth retrying (with the vendor's requested wait). */
export type Attempt<T> = { done: T } | { retry: ConnectorError; retryAfterMs?: number | undefined };

/** Runs `attempt` until it is done, a retry is not allowed any more, or it throws. */
export async function retrying<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<Attempt<T>>,
): Promise<T> {
  let waited = 0;
  for (let n = 0; ; n++) {
    const outcome = await attempt(n);
    if ('done' in outcome) return outcome.done;
    if (n >= policy.maxRetries) throw outcome.retry;
    const delay =
      outcome.retryAfterMs ??
      fullJitterDelay(n, { baseMs: policy.baseMs, capMs: policy.capMs, random: policy.random });
    // A wait beyond the cap is not slept here: the error carries it so the caller can reschedule instead.
    if (waited + delay > policy.maxTotalWaitMs) throw outcome.retry;
    await policy.clock.sleep(delay);
    waited += delay;
  }
}
