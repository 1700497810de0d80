/**
 * What a cron firing does, the same on every runtime: the entries (Workers `scheduled`, croner on Node,
 * Deno.cron) only hand the firing to `runScheduled`. It records the heartbeat, then finds due connections:
 * with a queue (Workers) it enqueues one message each; without one it runs their slices here, one
 * connection after another, within a bounded time.
 */
import type { Deps, SyncMessage } from '../deps';
import { pruneExpiredLeases } from '../lib/lease';
import { pruneRateLimits } from '../lib/rate-limit';
import { resumeReclaimJobs } from '../reclaim/runner';
import { deliverDueWebhooks } from '../webhooks/deliver';
import type { SettleResult } from './engine';
import { chunks, dueConnections, roundRobin } from './fair';
import { recordCronRun } from './heartbeat';
import type { SyncOptions } from './options';
import { runSlice, type SliceOutcome } from './slice';

export interface ScheduleOptions {
  sync?: Partial<SyncOptions>;
  /** In-process only: total time the firing may spend on slices (the next firing continues). */
  maxDurationMs?: number;
}

export interface ScheduleResult {
  /** Due connection ids, in the round-robin order they were served or enqueued. */
  due: string[];
  enqueued: number;
  /** `sendBatch` calls made (Workers). */
  batches: number;
  settled: SettleResult[];
  /** In process: every slice run, in order. */
  served: Served[];
}

/** Cloudflare Queues accepts at most 100 messages per sendBatch call. */
export const MAX_BATCH = 100;

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
  // Reclaim jobs a crash or a lost message left unfinished get a runner again (their lease and item
  // records make a second runner harmless).
  await resumeReclaimJobs(deps).catch((err) => deps.logger.error('reclaim: resume failed', { err }));
  const result = await syncDue(deps, options);
  if (result.due.length > 0) {
    deps.logger.info('sync: due connections handled', { due: result.due.length, enqueued: result.enqueued });
  }
}

/** One slice the in-process scheduler ran, in the order it ran them. */
export interface Served {
  connectionId: string;
  orgId: string;
  status: string;
}

/**
 * Enqueues (Workers) or runs in process (Node/Deno) every connection due now, fairly across
 * organizations (src/sync/fair.ts): messages go out round-robin by organization in `sendBatch` calls
 * of at most 100; in process every connection gets one slice per round, so a huge or failing
 * connection never holds up the others.
 */
export async function syncDue(deps: Deps, options: ScheduleOptions = {}): Promise<ScheduleResult> {
  const rows = roundRobin(await dueConnections(deps.db, deps.clock.now()));
  const due = rows.map((r) => r.id);
  const result: ScheduleResult = { due, enqueued: 0, batches: 0, settled: [], served: [] };
  if (deps.queue) {
    // The trigger rides in the message, so the run records why it started (as Node and Deno do).
    const messages: SyncMessage[] = rows.map((r) => ({
      type: 'sync',
      connectionId: r.id,
      trigger: r.lastSyncedAt == null ? 'first_connect' : 'cron',
    }));
    const { queue } = deps;
    if (queue.sendBatch) {
      for (const batch of chunks(messages, MAX_BATCH)) {
        await queue.sendBatch(batch);
        result.enqueued += batch.length;
        result.batches += 1;
      }
    } else {
      for (const message of messages) {
        await queue.send(message);
        result.enqueued += 1;
      }
    }
    return result;
  }
  const deadline = deps.clock.now() + (options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS);
  type Turn = { row: (typeof rows)[number]; slices: number; requests: number; last?: SliceOutcome };
  let active: Turn[] = rows.map((row) => ({ row, slices: 0, requests: 0 }));
  while (active.length > 0) {
    const next: Turn[] = [];
    for (const [i, turn] of active.entries()) {
      if (deps.clock.now() >= deadline) {
        // The rest wait for the next firing (where the least recently served go first).
        next.push(...active.slice(i));
        break;
      }
      const { id: connectionId, orgId } = turn.row;
      try {
        const outcome = await runSlice(deps, {
          connectionId,
          trigger: 'cron',
          ...(options.sync ? { options: options.sync } : {}),
        });
        result.served.push({ connectionId, orgId, status: outcome.status });
        turn.slices += 1;
        turn.last = outcome;
        if ('requests' in outcome) turn.requests += outcome.requests;
        if (outcome.status === 'continue') next.push(turn);
        else result.settled.push({ connectionId, outcome, slices: turn.slices, requests: turn.requests });
      } catch (err) {
        // One connection's trouble (say, the database blinked) must not starve the others.
        deps.logger.error('sync: scheduled slice failed', { connectionId, orgId, err });
      }
    }
    if (deps.clock.now() >= deadline) {
      for (const t of next) {
        if (t.last)
          result.settled.push({
            connectionId: t.row.id,
            outcome: t.last,
            slices: t.slices,
            requests: t.requests,
          });
      }
      break;
    }
    active = next;
  }
  return result;
}
