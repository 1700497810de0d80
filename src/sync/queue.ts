/**
 * The queue consumer, runtime-neutral, done the way Cloudflare Queues expects: every message is acked or
 * retried on its own, so one bad connection never redelivers the others of its batch.
 * - A slice that ran (done, continue, failed and recorded, busy, skipped) is acked; an unfinished run
 *   enqueues its continuation first.
 * - Infrastructure trouble (the database unreachable, a failure that could not even be recorded) is
 *   retried with a delay that grows with the delivery attempts; after `max_retries` the platform moves
 *   the message to the dead-letter queue, whose consumer (dead-letter.ts) shows the reason on the card.
 * - A malformed message is acked and logged: retrying it can never succeed.
 * Messages are dispatched by `type`; add a handler to `HANDLERS` for a new kind of message.
 * Delivery is at-least-once: the lease lets one slice run at a time and every write is an upsert from a
 * checkpoint, so a duplicate is harmless.
 */
import { z } from 'zod';
import type { Deps, SyncMessage } from '../deps';
import { attemptDelivery } from '../webhooks/deliver';
import type { SyncOptions } from './options';
import { runSlice, type SyncTrigger } from './slice';

export const SyncMessageSchema = z.object({
  type: z.literal('sync'),
  connectionId: z.string().min(1).max(64),
  trigger: z.enum(['manual', 'cron', 'first', 'continuation']).optional(),
});
const WebhookMessageSchema = z.object({ type: z.literal('webhook'), deliveryId: z.string().min(1).max(64) });

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

type Handler = (deps: Deps, body: unknown, options: Partial<SyncOptions>) => Promise<void>;

/** How a message of each `type` is handled (unknown types are acked and logged). */
const HANDLERS: Record<string, Handler> = {
  sync: handleSync,
  webhook: handleWebhook,
};

/** Runs every message of a batch and settles each one (ack or delayed retry). */
export async function consumeSyncMessages(
  deps: Deps,
  items: readonly QueueItem[],
  options: Partial<SyncOptions> = {},
): Promise<void> {
  for (const item of items) {
    const type = (item.body as { type?: unknown } | null)?.type;
    const handler = typeof type === 'string' ? HANDLERS[type] : undefined;
    if (!handler) {
      deps.logger.warn('queue: dropped a message of unknown type', { type: String(type) });
      item.ack();
      continue;
    }
    try {
      await handler(deps, item.body, options);
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

class MalformedMessage extends Error {}

/** What a message's trigger becomes on the run it starts. Old messages without one came from the cron. */
function runTrigger(message: SyncMessage): SyncTrigger {
  return message.trigger ?? 'cron';
}

async function handleSync(deps: Deps, body: unknown, options: Partial<SyncOptions>): Promise<void> {
  const parsed = SyncMessageSchema.safeParse(body);
  if (!parsed.success) throw new MalformedMessage();
  const message: SyncMessage = parsed.data;
  const outcome = await runSlice(deps, {
    connectionId: message.connectionId,
    trigger: runTrigger(message),
    options,
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
