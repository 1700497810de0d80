/**
 * The one place sync outcomes become webhook events: the engine's run completion and failure
 * (src/sync/run-state.ts) call these after their state transition has committed.
 *
 * - `sync.completed` after every finished run, with its counts;
 * - `connection.recovered` when that run follows failures (retries, or a Reconnect after `needs_reauth`);
 * - `sync.failed` after every failed slice, with the error and the next retry;
 * - `connection.needs_reauth` when the credentials were rejected (the connection stops syncing);
 * - `licences.reclaimable` after a run when the number of reclaim recommendations changed.
 */
import { and, desc, eq, isNotNull, ne } from 'drizzle-orm';
import { parseStats } from '../../db/queries/sync';
import { syncRuns, webhookWatermarks } from '../../db/schema';
import type { ConnectionRow } from '../connections/store';
import type { Deps } from '../deps';
import { newId } from '../lib/ids';
import { reclaimRecommendationCount } from '../licences/summary';
import { emitEvent } from './deliver';
import { type EventConnection, links, type WebhookEvent, type WebhookEventType } from './events';

export function eventConnection(row: ConnectionRow): EventConnection {
  return {
    id: row.id,
    vendor: row.vendor,
    state: row.state,
    enterpriseId: row.enterpriseId,
    enterpriseName: row.enterpriseName,
  };
}

export function makeEvent(
  deps: Deps,
  type: WebhookEvent['type'],
  orgId: string,
  connection: ConnectionRow | null,
  data: Record<string, unknown>,
): WebhookEvent {
  const now = deps.clock.now();
  return {
    id: newId('evt', now),
    type,
    timestamp: new Date(now).toISOString(),
    organization: { id: orgId },
    connection: connection ? eventConnection(connection) : null,
    data: { ...data, links: links(deps.config.PUBLIC_URL) },
  };
}

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

async function emit(deps: Deps, type: WebhookEventType, row: ConnectionRow, data: Record<string, unknown>) {
  await emitEvent(deps, makeEvent(deps, type, row.orgId, row, data));
}

/** After a run finished: `before` is the row as the run found it, `after` the connected row. */
export async function notifyRunCompleted(
  deps: Deps,
  before: ConnectionRow,
  after: ConnectionRow,
  runId: string,
): Promise<void> {
  try {
    const run = await deps.db.select().from(syncRuns).where(eq(syncRuns.id, runId)).get();
    const stats = parseStats(run?.stats ?? '{}');
    const rowsWritten = Object.values(stats).reduce((n, s) => n + s.upserted, 0);
    await emit(deps, 'sync.completed', after, {
      runId,
      trigger: run?.trigger ?? null,
      startedAt: iso(run?.startedAt),
      finishedAt: iso(run?.finishedAt),
      slices: run?.slices ?? null,
      requests: run?.requests ?? null,
      rowsWritten,
      streams: stats,
      dataAsOf: iso(after.dataAsOf),
    });
    // A run after a failed one (a Reconnect resets the failure count, so the previous run tells too).
    const previous = await deps.db
      .select({ status: syncRuns.status, error: syncRuns.error })
      .from(syncRuns)
      .where(and(eq(syncRuns.connectionId, after.id), ne(syncRuns.id, runId), isNotNull(syncRuns.finishedAt)))
      .orderBy(desc(syncRuns.startedAt))
      .limit(1)
      .get();
    if (before.consecutiveFailures > 0 || previous?.status === 'failed') {
      await emit(deps, 'connection.recovered', after, {
        runId,
        failures: before.consecutiveFailures,
        previousError: before.lastError ?? previous?.error ?? null,
      });
    }
    await notifyReclaimable(deps, after);
  } catch (err) {
    deps.logger.error('webhooks: could not raise the run-completed events', { err });
  }
}

/** After a failed slice, with the row as it is now (`sync_error` or `needs_reauth`). */
export async function notifyRunFailed(
  deps: Deps,
  after: ConnectionRow,
  failure: { kind: 'auth' | 'transient'; code: string; message: string; runId: string | null },
): Promise<void> {
  try {
    const error = { code: failure.code, message: failure.message };
    await emit(deps, 'sync.failed', after, {
      runId: failure.runId,
      error,
      kind: failure.kind,
      consecutiveFailures: after.consecutiveFailures,
      nextRetryAt: failure.kind === 'auth' ? null : iso(after.nextSyncAt),
    });
    if (failure.kind === 'auth') await emit(deps, 'connection.needs_reauth', after, { error });
  } catch (err) {
    deps.logger.error('webhooks: could not raise the run-failed events', { err });
  }
}

/** After a run: the count of users recommended for reclaim, sent when it differs from the last one sent. */
async function notifyReclaimable(deps: Deps, after: ConnectionRow): Promise<void> {
  const now = deps.clock.now();
  const count = await reclaimRecommendationCount(deps.db, after.orgId, now);
  const last = await deps.db
    .select()
    .from(webhookWatermarks)
    .where(eq(webhookWatermarks.orgId, after.orgId))
    .get();
  const previous = last?.reclaimableCount ?? 0;
  if (last && previous === count) return;
  await deps.db
    .insert(webhookWatermarks)
    .values({ orgId: after.orgId, reclaimableCount: count, updatedAt: now })
    .onConflictDoUpdate({
      target: webhookWatermarks.orgId,
      set: { reclaimableCount: count, updatedAt: now },
    });
  if (previous === count) return;
  const base = (deps.config.PUBLIC_URL ?? '').replace(/\/$/, '');
  await emit(deps, 'licences.reclaimable', after, {
    reclaimable: count,
    previous,
    change: count - previous,
    licences: `${base}/licences`,
  });
}
