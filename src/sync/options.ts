/**
 * Knobs of the sync engine. Defaults fit Workers (subrequest and CPU limits per invocation); Node and the
 * CLI may pass larger budgets, tests pass tiny ones to force many slices.
 */

export interface SyncOptions {
  /** HTTP requests one slice may make (token mints and retries included). */
  requestBudget: number;
  /** Wall time after which a slice stops at the next page boundary. */
  timeBudgetMs: number;
  /** How far before the last high-water mark incremental streams look again (late arrivals). */
  lookbackMs: number;
  /** How far back the first run of a connection reaches. */
  firstLookbackMs: number;
  /**
   * Lease lifetime; its holder renews it after every page and on a timer (a third of it) while it works,
   * so only a dead holder lets it expire, and one is known dead this soon (SYNC_LEASE_TTL_SECONDS).
   */
  leaseTtlMs: number;
  /** Time between successful syncs. */
  intervalMs: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  requestBudget: 40,
  timeBudgetMs: 20_000,
  lookbackMs: 2 * DAY,
  firstLookbackMs: 90 * DAY,
  leaseTtlMs: 30_000,
  intervalMs: 15 * MINUTE,
};

/** Defaults overridden by whatever the caller sets. */
export function syncOptions(over: Partial<SyncOptions> = {}): SyncOptions {
  return { ...DEFAULT_SYNC_OPTIONS, ...over };
}
