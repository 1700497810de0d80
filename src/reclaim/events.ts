/**
 * `reclaim.completed`: sent once when a reclaim job ends (done, stopped or cancelled), with what
 * happened to its users and a link to its progress page. Like the sync's events
 * (src/webhooks/connection-events.ts), it goes through the webhook outbox and never fails the job.
 */
import { eq } from 'drizzle-orm';
import { connections } from '../../db/schema';
import type { Deps } from '../deps';
import { makeEvent } from '../webhooks/connection-events';
import { emitEvent } from '../webhooks/deliver';
import type { ItemCounts, ReclaimJob } from './store';

export async function notifyReclaimCompleted(deps: Deps, job: ReclaimJob, counts: ItemCounts): Promise<void> {
  try {
    const row = await deps.db.select().from(connections).where(eq(connections.id, job.connectionId)).get();
    const base = (deps.config.PUBLIC_URL ?? '').replace(/\/$/, '');
    await emitEvent(
      deps,
      makeEvent(deps, 'reclaim.completed', job.orgId, row ?? null, {
        jobId: job.id,
        status: job.status,
        approvedBy: job.approvedBy,
        total: job.total,
        removed: counts.removed,
        alreadyGone: counts.gone,
        refused: counts.refused,
        failed: counts.failed,
        skipped: counts.skipped,
        stopReason: job.stopReason ?? null,
        startedAt: new Date(job.createdAt).toISOString(),
        finishedAt: job.finishedAt == null ? null : new Date(job.finishedAt).toISOString(),
        progress: `${base}/licences/reclaim/${job.id}`,
      }),
    );
  } catch (err) {
    deps.logger.error('webhooks: could not raise reclaim.completed', { jobId: job.id, err });
  }
}
