/**
 * The queue consumer, runtime-neutral, done the way Cloudflare Queues expects: every message is acked or
 * retried on its own, so one bad connection never redelivers the others of its batch.
 * - A slice that ran (done, continue, failed and recorded, busy, skipped) is acked; an unfinished run
 *   enqueues its continuation first.
 * - Infrastructure trouble (the database unreachable, a failure that could not even be recorded) is
 *   retried with a delay that grows with the delivery attempts; after `max_retries` the platform moves
 *   the message to the dead-letter queue, whose consumer (dead-letter.ts) shows the reason on the card.
 * - A malformed message is acked and logged: retrying it can never succeed.
 * - On Workers the batch is one invocation with one subrequest budget (WORKERS_PLAN): each message gets
 *   a share of what is left, and a message that can no longer get the least it needs is sent on to a
 *   later invocation (a fresh copy, so its delivery attempts do not count towards the dead letter).
 * Messages are dispatched by `type`; add a handler to `HANDLERS` for a new kind of message.
 * Delivery is at-least-once: the lease lets one slice run at a time and every write is an upsert from a
 * checkpoint, so a duplicate is harmless.
 */

import type { Deps, QueueMessage, SyncMessage } from '../deps';
import { withBudget } from '../lib/invocation';
import { createRequestBudget, type RequestBudget } from '../lib/request-budget';
import { z } from '../lib/zlite';
import { handleReclaimMessage, RECLAIM_MIN_SUBREQUESTS } from '../reclaim/runner';
import { attemptDelivery } from '../webhooks/deliver';
import type { SyncOptions } from './options';
import { MIN_SLICE_SUBREQUESTS, runSlice, type SyncTrigger } from './slice';

export const SyncMessageSchema = z.object({
  type: z.literal('sync'),
  connectionId: z.string().min(1).max(64),
  // `first` is what earlier versions sent for `first_connect`.
  trigger: z.enum(['manual', 'cron', 'first_connect', 'first', 'continuation']).optional(),
});
const WebhookMessageSchema = z.object({ type: z.literal('webhook'), deliveryId: z.string().min(1).max(64) });
const ReclaimMessageSchema = z.object({
  type: z.literal('reclaim'),
  jobId: z.string().min(1).max(64),
  // Absent in messages sent before job turns existed.
  turn: z.number().int().min(0).optional(),
});

/** One delivered message, as Cloudflare's `Message` has it (Node/Deno tests build their own). */
export interface QueueItem {
  body: unknown;
  /** Delivery attempts so far, this one included (1 on the first delivery). */
  attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

const RETRY_BASE_SECONDS = 10;
const RETRY_CAP_SECONDS = 300;

/** Delay before delivery attempt `attempts + 1`: 10 s, 20 s, 40 s, ... capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  const n = Math.max(1, Math.floor(attempts));
  return Math.min(RETRY_BASE_SECONDS * 2 ** (n - 1), RETRY_CAP_SECONDS);
}

/** Thrown by a handler for trouble worth another delivery. */
export class RetryableQueueError extends Error {
  override readonly name = 'RetryableQueueError';
}

type Handler = (
  deps: Deps,
  body: unknown,
  options: Partial<SyncOptions>,
  budget: RequestBudget | undefined,
) => Promise<void>;

/** How a message of each `type` is handled (unknown types are acked and logged). */
const HANDLERS: Record<string, Handler> = {
  sync: handleSync,
  webhook: handleWebhook,
  reclaim: handleReclaim,
};

/**
 * Subrequests a message of each type needs at the least (a webhook attempt: its delivery and endpoint
 * reads, the request, the attempt's record and the delivery's update).
 */
const MIN_SUBREQUESTS: Record<string, number> = {
  sync: MIN_SLICE_SUBREQUESTS,
  webhook: 8,
  reclaim: RECLAIM_MIN_SUBREQUESTS,
};

/**
 * Runs every message of a batch and settles each one (ack or delayed retry). With `budget` (the
 * invocation's subrequests, on Workers) every message runs on a share of it: what is left divided by
 * the messages still to run, but never less than the message's minimum.
 */
export async function consumeSyncMessages(
  deps: Deps,
  items: readonly QueueItem[],
  options: Partial<SyncOptions> = {},
  budget?: RequestBudget,
): Promise<void> {
  for (const [index, item] of items.entries()) {
    const type = (item.body as { type?: unknown } | null)?.type;
    const handler = typeof type === 'string' ? HANDLERS[type] : undefined;
    if (!handler) {
      deps.logger.warn('queue: dropped a message of unknown type', { type: String(type) });
      item.ack();
      continue;
    }
    let share: RequestBudget | undefined;
    if (budget) {
      const least = MIN_SUBREQUESTS[type as string] ?? 1;
      if (budget.remaining < least) {
        await handOn(deps, item, budget);
        continue;
      }
      share = createRequestBudget(Math.max(least, Math.floor(budget.remaining / (items.length - index))), {
        parent: budget,
      });
    }
    try {
      const run = () => handler(deps, item.body, options, share);
      await (share ? withBudget(share, run) : run());
      item.ack();
    } catch (err) {
      if (err instanceof MalformedMessage) {
        deps.logger.warn('queue: dropped malformed message', { type });
        item.ack();
        continue;
      }
      const delaySeconds = retryDelaySeconds(item.attempts);
      deps.logger.error('queue: message failed, retrying later', {
        attempts: item.attempts,
        delaySeconds,
        err,
      });
      item.retry({ delaySeconds });
    }
  }
}

/**
 * The invocation's budget cannot carry this message: a fresh copy goes to a later invocation (a
 * `retry()` would count towards the dead letter). If even that fails, the platform redelivers it.
 */
async function handOn(deps: Deps, item: QueueItem, budget: RequestBudget): Promise<void> {
  try {
    if (!deps.queue) throw new Error('no queue to hand the message on to');
    await deps.queue.send(item.body as QueueMessage);
    deps.logger.info('queue: subrequest budget spent, message handed on', {
      used: budget.used,
      type: String((item.body as { type?: unknown }).type),
    });
    item.ack();
  } catch (err) {
    deps.logger.warn('queue: could not hand a message on; redelivering', { err });
    item.retry({ delaySeconds: 1 });
  }
}

class MalformedMessage extends Error {}

/** What a message's trigger becomes on the run it starts. Old messages without one came from the cron. */
function runTrigger(message: SyncMessage): SyncTrigger {
  if (message.trigger === 'first') return 'first_connect';
  return message.trigger ?? 'cron';
}

async function handleSync(
  deps: Deps,
  body: unknown,
  options: Partial<SyncOptions>,
  budget: RequestBudget | undefined,
): Promise<void> {
  const parsed = SyncMessageSchema.safeParse(body);
  if (!parsed.success) throw new MalformedMessage();
  const message: SyncMessage = parsed.data;
  const outcome = await runSlice(deps, {
    connectionId: message.connectionId,
    trigger: runTrigger(message),
    options,
    ...(budget ? { budget } : {}),
  });
  if (outcome.status === 'continue') {
    await deps.queue?.send({ type: 'sync', connectionId: message.connectionId, trigger: 'continuation' });
  }
  if (outcome.status === 'failed' && outcome.unrecorded) {
    throw new RetryableQueueError('the slice failed and the failure could not be recorded');
  }
  // busy: the lease holder enqueues its own continuation; failed: the connection retries after backoff.
}

/** A webhook attempt; the delivery row schedules its own retries, so only a crash asks the queue again. */
async function handleWebhook(deps: Deps, body: unknown): Promise<void> {
  const parsed = WebhookMessageSchema.safeParse(body);
  if (!parsed.success) throw new MalformedMessage();
  await attemptDelivery(deps, parsed.data.deliveryId);
}

/** A reclaim slice (src/reclaim/runner.ts); it enqueues its own continuation. */
async function handleReclaim(
  deps: Deps,
  body: unknown,
  _options: Partial<SyncOptions>,
  budget: RequestBudget | undefined,
): Promise<void> {
  const parsed = ReclaimMessageSchema.safeParse(body);
  if (!parsed.success) throw new MalformedMessage();
  await handleReclaimMessage(deps, parsed.data.jobId, budget, parsed.data.turn);
}
