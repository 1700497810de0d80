/**
 * "Sync now": the connection becomes `syncing` at once (so the card shows progress and polls), then a
 * slice starts: on Workers by a queue message, elsewhere in the background of this process. The response
 * never waits for the sync; background runs are kept referenced and their failures logged.
 */
import { recordAudit } from '../connections/audit';
import { StaleConnectionError, transition } from '../connections/state-machine';
import type { ConnectionRow } from '../connections/store';
import type { Deps } from '../deps';
import { runUntilSettled } from './engine';
import { syncActivity } from './interrupted';
import type { SyncOptions } from './options';

export type SyncNowResult =
  | { started: true; row: ConnectionRow; resumed?: boolean }
  | { started: false; row: ConnectionRow; reason: 'running' | 'not_connected' | 'needs_reauth' | 'paused' };

const BACKGROUND_LIMIT_MS = 30 * 60_000;

const background = new WeakMap<Deps, Set<Promise<unknown>>>();

/** Background runs of this process not finished yet (tests and shutdown await them). */
export function pendingSyncs(deps: Deps): Promise<unknown>[] {
  return [...(background.get(deps) ?? [])];
}

export async function requestSyncNow(
  deps: Deps,
  row: ConnectionRow,
  actor: string,
  options: Partial<SyncOptions> = {},
): Promise<SyncNowResult> {
  if (row.state === 'syncing') {
    // A run whose worker died resumes at once from its checkpoints (no waiting for the cron).
    if ((await syncActivity(deps, row, deps.clock.now())).kind !== 'interrupted') {
      return { started: false, row, reason: 'running' };
    }
    await recordAudit(deps.db, {
      orgId: row.orgId,
      connectionId: row.id,
      actor,
      action: 'sync.resumed',
      detail: { trigger: 'manual' },
      at: deps.clock.now(),
    });
    if (deps.queue) await deps.queue.send({ type: 'sync', connectionId: row.id, trigger: 'manual' });
    else startInBackground(deps, row.id, options);
    return { started: true, resumed: true, row };
  }
  if (row.state === 'needs_reauth') return { started: false, row, reason: 'needs_reauth' };
  if (row.state === 'paused') return { started: false, row, reason: 'paused' };
  if ((row.state !== 'connected' && row.state !== 'sync_error') || !row.sealedCredentials) {
    return { started: false, row, reason: 'not_connected' };
  }
  const now = deps.clock.now();
  let next: ConnectionRow;
  try {
    next = await transition(deps.db, {
      connection: row,
      to: 'syncing',
      actor,
      action: 'connection.state_changed',
      detail: { trigger: 'manual' },
      set: { nextSyncAt: now, lastSyncStartedAt: now },
      now,
    });
  } catch (e) {
    // Someone else moved it first (a double click, the scheduler): report what it is now.
    if (e instanceof StaleConnectionError) return { started: false, row, reason: 'running' };
    throw e;
  }
  if (deps.queue) {
    await deps.queue.send({ type: 'sync', connectionId: row.id, trigger: 'manual' });
  } else {
    startInBackground(deps, row.id, options);
  }
  return { started: true, row: next };
}

function startInBackground(deps: Deps, connectionId: string, options: Partial<SyncOptions>): void {
  let set = background.get(deps);
  if (!set) {
    set = new Set();
    background.set(deps, set);
  }
  const running = set;
  // Bounded like a cron firing: whatever is left stays checkpointed for the scheduler to resume.
  const deadline = deps.clock.now() + BACKGROUND_LIMIT_MS;
  const p = runUntilSettled(deps, { connectionId, trigger: 'manual', options, deadline })
    .then((r) => {
      if (r.outcome.status === 'failed') {
        deps.logger.warn('sync: manual sync failed', { connectionId, message: r.outcome.message });
      }
    })
    .catch((err) => deps.logger.error('sync: manual sync crashed', { connectionId, err }))
    .finally(() => running.delete(p));
  running.add(p);
}
