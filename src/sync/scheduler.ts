/**
 * What a cron firing does, the same on every runtime: the entries (Workers `scheduled`, croner on Node,
 * Deno.cron) only hand the firing to `runScheduled`. It records the heartbeat, then finds due connections:
 * with a queue (Workers) it enqueues one message each; without one it runs their slices here, one
 * connection after another, within a bounded time.
 */
import { dueConnectionIds } from '../../db/queries/sync';
import type { Deps } from '../deps';
import { pruneExpiredLeases } from '../lib/lease';
import { pruneRateLimits } from '../lib/rate-limit';
import { deliverDueWebhooks } from '../webhooks/deliver';
import { runUntilSettled, type SettleResult } from './engine';
import { recordCronRun } from './heartbeat';
import type { SyncOptions } from './options';

export interface ScheduleOptions {
  sync?: Partial<SyncOptions>;
  /** In-process only: total time the firing may spend on slices (the next firing continues). */
  maxDurationMs?: number;
}

export interface ScheduleResult {
  due: string[];
  enqueued: number;
  settled: SettleResult[];
}

const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

/** A cron firing: heartbeat, then the due syncs. */
export async function runScheduled(
  deps: Deps,
  cron: string,
  scheduledTime: number,
  options: ScheduleOptions = {},
): Promise<void> {
  await recordCronRun(deps.db, cron, scheduledTime);
  const pruned = await pruneExpiredLeases(deps.db, deps.clock.now());
  await pruneRateLimits(deps.db, deps.clock.now());
  deps.logger.info('cron fired', { cron, at: new Date(scheduledTime).toISOString(), prunedLeases: pruned });
  // Webhook retries that are due (a restart or a lost message only delays them to a firing).
  await deliverDueWebhooks(deps).catch((err) => deps.logger.error('webhooks: sweep failed', { err }));
  const result = await syncDue(deps, options);
  if (result.due.length > 0) {
    deps.logger.info('sync: due connections handled', { due: result.due.length, enqueued: result.enqueued });
  }
}

/** Enqueues (Workers) or runs in process (Node/Deno) every connection due now. */
export async function syncDue(deps: Deps, options: ScheduleOptions = {}): Promise<ScheduleResult> {
  const due = await dueConnectionIds(deps.db, deps.clock.now());
  const result: ScheduleResult = { due, enqueued: 0, settled: [] };
  if (deps.queue) {
    for (const connectionId of due) {
      await deps.queue.send({ type: 'sync', connectionId });
      result.enqueued += 1;
    }
    return result;
  }
  const deadline = deps.clock.now() + (options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS);
  for (const connectionId of due) {
    if (deps.clock.now() >= deadline) break;
    try {
      const settled = await runUntilSettled(deps, {
        connectionId,
        trigger: 'cron',
        deadline,
        ...(options.sync ? { options: options.sync } : {}),
      });
      result.settled.push(settled);
    } catch (err) {
      // One connection's trouble (say, the database blinked) must not starve the others.
      deps.logger.error('sync: scheduled run failed', { connectionId, err });
    }
  }
  return result;
}
