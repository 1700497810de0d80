/**
 * The connection-level outcomes of a run, each one transition (with its audit entry) batched with the
 * sync_runs bookkeeping, so the run row and the connection never disagree.
 */
import { closeVersionStatement, countChangesStatement, openVersionStatement } from '../../db/queries/rollups';
import {
  DONE,
  finishRunStatement,
  lastActiveStatement,
  pstnFromHistoryStatement,
  readCheckpoints,
  runErrorStatement,
} from '../../db/queries/sync';
import { StaleConnectionError, transition } from '../connections/state-machine';
import type { ConnectionRow } from '../connections/store';
import { ConnectorError } from '../connectors/types';
import type { Deps } from '../deps';
import { notifyRunCompleted, notifyRunFailed } from '../webhooks/connection-events';
import { retryDelayMs } from './backoff';
import type { SyncOptions } from './options';

export const SYNC_ACTOR = 'sync';

/** Every stream done: last activity, run finished, connection back to connected (noting a recovery). */
export async function completeRun(
  deps: Deps,
  row: ConnectionRow,
  runId: string,
  runStartedAt: number,
  options: SyncOptions,
): Promise<ConnectionRow> {
  const now = deps.clock.now();
  const checkpoints = await readCheckpoints(deps.db, row.id);
  // Data is complete up to the oldest end among the incremental walks this run finished.
  const ends = [...checkpoints.values()]
    .filter((c) => c.stream !== 'users' && c.cursor === DONE && c.highWater != null)
    .map((c) => c.highWater as number);
  const dataAsOf = ends.length ? Math.min(...ends) : runStartedAt;
  const recovered = row.consecutiveFailures > 0;
  const after = await transition(deps.db, {
    connection: row,
    to: 'connected',
    actor: SYNC_ACTOR,
    action: 'connection.state_changed',
    detail: recovered ? { event: 'recovered', failures: row.consecutiveFailures } : { event: 'synced' },
    set: {
      lastSyncedAt: now,
      dataAsOf,
      consecutiveFailures: 0,
      lastError: null,
      nextSyncAt: now + options.intervalMs,
    },
    also: [
      // PSTN flags flip here; the rollup's feature counts follow through the meetings' update trigger.
      openVersionStatement(deps.db, row.id),
      pstnFromHistoryStatement(deps.db, row.id),
      lastActiveStatement(deps.db, row.id),
      countChangesStatement(deps.db, row.id),
      closeVersionStatement(deps.db, row.id),
      finishRunStatement(deps.db, runId, 'succeeded', now),
    ],
    now,
  });
  await notifyRunCompleted(deps, row, after, runId);
  return after;
}

/** What the admin reads on the card when something that is not a ConnectorError broke the sync. */
const GENERIC_FAILURE = 'Seatwise could not finish the sync; it will retry automatically.';

/**
 * A failed slice: auth errors stop syncing until Reconnect; everything else retries with backoff.
 * Returns the kind recorded. If even this write fails, the lease expires and the scheduler resumes the run.
 */
export async function failRun(
  deps: Deps,
  row: ConnectionRow,
  runId: string | null,
  error: unknown,
): Promise<{ kind: 'auth' | 'transient'; message: string }> {
  const now = deps.clock.now();
  const auth = error instanceof ConnectorError && error.kind === 'auth';
  const message = error instanceof ConnectorError ? error.message : GENERIC_FAILURE;
  const failures = row.consecutiveFailures + 1;
  // A transient failure keeps the run open: the retry resumes it with the same windows, so the data it
  // ends with is what an uninterrupted run would have stored. Auth failures end it (Reconnect starts anew).
  const also = runId
    ? [
        auth
          ? finishRunStatement(deps.db, runId, 'failed', now, message)
          : runErrorStatement(deps.db, runId, message),
      ]
    : [];
  const code = error instanceof ConnectorError ? error.code : 'internal';
  const after = await transition(deps.db, {
    connection: row,
    to: auth ? 'needs_reauth' : 'sync_error',
    actor: SYNC_ACTOR,
    action: 'connection.state_changed',
    detail: { code, message },
    set: {
      lastError: message,
      lastErrorAt: now,
      consecutiveFailures: failures,
      nextSyncAt: auth ? null : now + retryDelayMs(failures),
    },
    also,
    now,
  });
  const kind = auth ? 'auth' : 'transient';
  await notifyRunFailed(deps, after, { kind, code, message, runId });
  return { kind, message };
}

export { StaleConnectionError };
