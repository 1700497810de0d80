/**
 * The queue consumer's logic, runtime-neutral. Messages are validated first: a
 * malformed message is acknowledged and logged (retrying it can never succeed).
 * Sync slices arrive with the sync engine; until then a sync message is logged
 * and acknowledged so the queue never fills with undeliverable work.
 */
import { z } from 'zod';
import type { Deps, SyncMessage } from '../deps';

const SyncMessageSchema = z.object({ type: z.literal('sync'), connectionId: z.string().min(1).max(64) });

export interface QueueItem {
  body: unknown;
  ack(): void;
  retry(): void;
}

export async function consumeSyncMessages(deps: Deps, items: readonly QueueItem[]): Promise<void> {
  for (const item of items) {
    const parsed = SyncMessageSchema.safeParse(item.body);
    if (!parsed.success) {
      deps.logger.warn('queue: dropped malformed message');
      item.ack();
      continue;
    }
    const message: SyncMessage = parsed.data;
    deps.logger.info('queue: sync requested', { connectionId: message.connectionId });
    item.ack();
  }
}
