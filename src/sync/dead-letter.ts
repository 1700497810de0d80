/**
 * The dead-letter queue's consumer. A sync message lands here after the queue retried it `max_retries`
 * times without success (the database unreachable, the Worker crashing), so no slice will pick it up
 * again. Rather than leave the card saying "Syncing" until some later cron, the connection moves to
 * `sync_error` with the reason on the card and a backoff retry, its open run notes the error, and the
 * event is logged. A connection that is paused, disconnected, awaiting Reconnect or synced meanwhile is
 * left as it is.
 * If the database is still down, the message is retried here too (with a delay) until it is back.
 */
import { eq } from 'drizzle-orm';
import { findRunningRun, runErrorStatement } from '../../db/queries/sync';
import { connections } from '../../db/schema';
import { StaleConnectionError, transition } from '../connections/state-machine';
import type { Deps } from '../deps';
import { retryDelayMs } from './backoff';
import { type QueueItem, retryDelaySeconds, SyncMessageSchema } from './queue';
import { SYNC_ACTOR } from './run-state';

/** What the card says after the queue gave up on a sync. */
export function deadLetterReason(attempts: number): string {
  return `The sync stopped after ${attempts} failed deliveries (Seatwise could not reach its database). It will retry automatically; Sync now starts it again.`;
}

export async function consumeDeadLetters(deps: Deps, items: readonly QueueItem[]): Promise<void> {
  for (const item of items) {
    const parsed = SyncMessageSchema.safeParse(item.body);
    if (!parsed.success) {
      deps.logger.warn('dead-letter: dropped a message that is not a sync message');
      item.ack();
      continue;
    }
    try {
      await settleDeadSync(deps, parsed.data.connectionId);
      item.ack();
    } catch (err) {
      item.retry({ delaySeconds: retryDelaySeconds(item.attempts) });
      deps.logger.error('dead-letter: could not record the failed sync, retrying', {
        connectionId: parsed.data.connectionId,
        err,
      });
    }
  }
}

// Deliveries of the main queue: the first one plus `max_retries` in wrangler.toml.
const MAIN_QUEUE_DELIVERIES = 6;

async function settleDeadSync(deps: Deps, connectionId: string): Promise<void> {
  for (let tries = 0; tries < 3; tries++) {
    const row = await deps.db.select().from(connections).where(eq(connections.id, connectionId)).get();
    if (!row) return;
    const now = deps.clock.now();
    // A connection that synced meanwhile (the dead message was a duplicate) is not in trouble.
    const stillDue = row.nextSyncAt == null || row.nextSyncAt <= now;
    const affected =
      row.state === 'syncing' || ((row.state === 'connected' || row.state === 'sync_error') && stillDue);
    if (!affected) {
      deps.logger.warn('dead-letter: sync message given up; connection left as it is', {
        connectionId,
        state: row.state,
      });
      return;
    }
    const message = deadLetterReason(MAIN_QUEUE_DELIVERIES);
    const failures = row.consecutiveFailures + 1;
    const run = await findRunningRun(deps.db, connectionId);
    try {
      await transition(deps.db, {
        connection: row,
        to: 'sync_error',
        actor: SYNC_ACTOR,
        action: 'connection.state_changed',
        detail: { code: 'dead_letter', message },
        set: {
          lastError: message,
          lastErrorAt: now,
          consecutiveFailures: failures,
          nextSyncAt: now + retryDelayMs(failures),
        },
        also: run ? [runErrorStatement(deps.db, run.id, message)] : [],
        now,
      });
      deps.logger.error('dead-letter: sync given up after repeated failures', { connectionId, failures });
      return;
    } catch (e) {
      // Moved meanwhile (a slice finished after all): look again.
      if (!(e instanceof StaleConnectionError)) throw e;
    }
  }
}
