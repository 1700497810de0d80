/**
 * The queue consumer, runtime-neutral. Each message runs one slice; a run that is not finished enqueues
 * its continuation before the message is acknowledged. Delivery is at-least-once, so a redelivered or
 * duplicated message is harmless: the lease lets one slice run at a time, and every write is an upsert
 * from a checkpoint. A malformed message is acknowledged and logged (retrying it can never succeed).
 */
import { z } from 'zod';
import type { Deps, SyncMessage } from '../deps';
import { attemptDelivery } from '../webhooks/deliver';
import type { SyncOptions } from './options';
import { runSlice } from './slice';

const SyncMessageSchema = z.object({ type: z.literal('sync'), connectionId: z.string().min(1).max(64) });
const WebhookMessageSchema = z.object({ type: z.literal('webhook'), deliveryId: z.string().min(1).max(64) });

export interface QueueItem {
  body: unknown;
  ack(): void;
  retry(): void;
}

export async function consumeSyncMessages(
  deps: Deps,
  items: readonly QueueItem[],
  options: Partial<SyncOptions> = {},
): Promise<void> {
  for (const item of items) {
    const webhook = WebhookMessageSchema.safeParse(item.body);
    if (webhook.success) {
      await consumeWebhookMessage(deps, item, webhook.data.deliveryId);
      continue;
    }
    const parsed = SyncMessageSchema.safeParse(item.body);
    if (!parsed.success) {
      deps.logger.warn('queue: dropped malformed message');
      item.ack();
      continue;
    }
    const message: SyncMessage = parsed.data;
    try {
      const outcome = await runSlice(deps, { connectionId: message.connectionId, trigger: 'queue', options });
      if (outcome.status === 'continue') await deps.queue?.send(message);
      // busy: the lease holder enqueues its own continuation; failed: the scheduler retries after backoff.
      item.ack();
    } catch (err) {
      // Infrastructure trouble (database unreachable): let the queue deliver it again later.
      deps.logger.error('queue: sync slice crashed', { connectionId: message.connectionId, err });
      item.retry();
    }
  }
}

/** A webhook attempt; the delivery row schedules its own retries, so only a crash asks the queue again. */
async function consumeWebhookMessage(deps: Deps, item: QueueItem, deliveryId: string): Promise<void> {
  try {
    await attemptDelivery(deps, deliveryId);
    item.ack();
  } catch (err) {
    deps.logger.error('queue: webhook attempt crashed', { deliveryId, err });
    item.retry();
  }
}
