/**
 * One slice of a connection's sync: take the lease, move the connection to `syncing` (starting a run if
 * none is open), walk the streams from their checkpoints until the request or time budget is spent, and
 * either finish the run or leave it for the next slice. Any slice may be the last one to crash: every
 * page commits with its checkpoint, so the next slice (or a redelivered message) picks up exactly there.
 */
import { eq } from 'drizzle-orm';
import { addSliceToRun, DONE, findRunningRun, parseStats, readCheckpoints } from '../../db/queries/sync';
import { connections, syncRuns } from '../../db/schema';
import { unsealCredentials } from '../connections/credentials';
import { StaleConnectionError, transition } from '../connections/state-machine';
import type { ConnectionRow } from '../connections/store';
import type { Deps } from '../deps';
import { newId } from '../lib/ids';
import { acquireLease, handBackLease, newHolderId, renewLease } from '../lib/lease';
import { createRequestBudget } from '../lib/request-budget';
import { type SyncOptions, syncOptions } from './options';
import { completeRun, failRun, SYNC_ACTOR } from './run-state';
import { STREAMS } from './streams';
import { walkStream } from './walk';

/**
 * What started a run: `first` is the first sync after connecting (whatever found it due), `continuation`
 * a queue message that found no open run to continue; `queue` is what older versions recorded.
 */
export type SyncTrigger = 'cron' | 'manual' | 'queue' | 'cli' | 'first' | 'continuation';

export type SliceOutcome =
  /** The run finished; the connection is `connected` again. */
  | { status: 'done'; runId: string; requests: number }
  /** Budget or time ran out; run another slice to continue. */
  | { status: 'continue'; runId: string; requests: number }
  /** The slice failed; the connection is `needs_reauth` (auth) or `sync_error` (retrying later). */
  | {
      status: 'failed';
      kind: 'auth' | 'transient';
      message: string;
      requests: number;
      /** The failure could not be written (the database is failing too): a queue should redeliver. */
      unrecorded?: true;
    }
  /** Another slice holds the lease. */
  | { status: 'busy' }
  /** Nothing to do: not connected, paused, needs reauth, not due yet, or changed under us. */
  | { status: 'skipped'; reason: string };

export interface SliceInput {
  connectionId: string;
  trigger: SyncTrigger;
  /** Start a run even when the connection is not due yet (the CLI's `--connection`). */
  force?: boolean;
  options?: Partial<SyncOptions>;
}

export const leaseKey = (connectionId: string) => `sync:${connectionId}`;

/** Runs one bounded slice for one connection. Never throws for sync failures; they become outcomes. */
export async function runSlice(deps: Deps, input: SliceInput): Promise<SliceOutcome> {
  const options = syncOptions({ leaseTtlMs: deps.config.SYNC_LEASE_TTL_SECONDS * 1000, ...input.options });
  const lease = { key: leaseKey(input.connectionId), holder: newHolderId('sync'), ttlMs: options.leaseTtlMs };
  if (!(await acquireLease(deps.db, lease, deps.clock.now()))) return { status: 'busy' };
  const renew = () => renewLease(deps.db, lease, deps.clock.now());
  // Pages renew the lease too, but one page can wait long (rate limits, retries): a timer keeps a live
  // holder's short lease alive, so only a dead holder lets it lapse.
  const heartbeat = setInterval(
    () => {
      renew().catch(() => undefined);
    },
    Math.max(500, Math.floor(options.leaseTtlMs / 3)),
  );
  (heartbeat as { unref?: () => void }).unref?.();
  try {
    return await sliceUnderLease(deps, input, options, renew);
  } finally {
    clearInterval(heartbeat);
    // Handed back with a marker, so readers can tell "between slices" from "holder died" (interrupted.ts).
    await handBackLease(deps.db, lease.key, lease.holder, deps.clock.now()).catch(() => undefined);
  }
}

async function loadRow(deps: Deps, id: string): Promise<ConnectionRow | undefined> {
  return deps.db.select().from(connections).where(eq(connections.id, id)).get();
}

function isDue(row: ConnectionRow, now: number): boolean {
  return row.nextSyncAt == null || row.nextSyncAt <= now;
}

async function sliceUnderLease(
  deps: Deps,
  input: SliceInput,
  options: SyncOptions,
  renew: () => Promise<boolean>,
): Promise<SliceOutcome> {
  const { db, clock } = deps;
  const sliceStart = clock.now();
  let row = await loadRow(deps, input.connectionId);
  if (!row) return { status: 'skipped', reason: 'unknown connection' };
  if (!row.sealedCredentials) return { status: 'skipped', reason: 'no credentials' };
  if (row.state !== 'syncing') {
    if (row.state !== 'connected' && row.state !== 'sync_error')
      return { status: 'skipped', reason: row.state };
    if (!input.force && !isDue(row, sliceStart)) return { status: 'skipped', reason: 'not due' };
    try {
      row = await transition(db, {
        connection: row,
        to: 'syncing',
        actor: SYNC_ACTOR,
        action: 'connection.state_changed',
        detail: { trigger: input.trigger },
        set: { lastSyncStartedAt: sliceStart },
        now: sliceStart,
      });
    } catch (e) {
      if (e instanceof StaleConnectionError) return { status: 'skipped', reason: 'changed meanwhile' };
      throw e;
    }
  }

  const budget = createRequestBudget(options.requestBudget);
  let runId: string | null = null;
  try {
    const trigger = input.trigger === 'cron' && row.lastSyncedAt == null ? 'first' : input.trigger;
    const run = (await findRunningRun(db, row.id)) ?? (await startRun(deps, row.id, trigger));
    runId = run.id;
    const credentials = await unsealCredentials(deps.sealer, row.sealedCredentials as string, {
      orgId: row.orgId,
      connectionId: row.id,
    });
    const session = deps.bluejeans.session(
      { id: row.id, orgId: row.orgId, credentials, enterpriseId: row.enterpriseId },
      { budget },
    );
    const stats = parseStats(run.stats);
    const checkpoints = await readCheckpoints(db, row.id);
    let leaseLost = false;
    const keepGoing = async () => {
      if (!(await renew())) {
        leaseLost = true;
        return false;
      }
      return clock.now() - sliceStart < options.timeBudgetMs;
    };
    for (const spec of STREAMS) {
      const cp = checkpoints.get(spec.name);
      if (cp?.cursor === DONE && cp.runId === run.id) continue;
      const result = await walkStream({
        spec,
        session,
        checkpoint: cp,
        runId: run.id,
        runStartedAt: run.startedAt,
        stats,
        lookbackMs: options.lookbackMs,
        firstLookbackMs: options.firstLookbackMs,
        write: { db, connectionId: row.id, now: clock.now() },
        keepGoing,
      });
      if (result === 'paused') {
        await addSliceToRun(db, run.id, budget.used);
        if (leaseLost) return { status: 'busy' };
        return { status: 'continue', runId: run.id, requests: budget.used };
      }
    }
    await addSliceToRun(db, run.id, budget.used);
    const fresh = await loadRow(deps, row.id);
    // Disconnected or paused while this slice ran: the run must not bring the connection back.
    if (fresh?.state !== 'syncing') return { status: 'skipped', reason: 'changed meanwhile' };
    await completeRun(deps, fresh, run.id, run.startedAt, options);
    return { status: 'done', runId: run.id, requests: budget.used };
  } catch (error) {
    if (error instanceof StaleConnectionError) return { status: 'skipped', reason: 'changed meanwhile' };
    return handleFailure(deps, row.id, runId, error, budget.used);
  }
}

async function startRun(deps: Deps, connectionId: string, trigger: SyncTrigger) {
  const now = deps.clock.now();
  const run = { id: newId('run', now), connectionId, trigger, status: 'running' as const, startedAt: now };
  await deps.db.insert(syncRuns).values(run);
  return { ...run, stats: '{}' };
}

async function handleFailure(
  deps: Deps,
  connectionId: string,
  runId: string | null,
  error: unknown,
  requests: number,
): Promise<SliceOutcome> {
  deps.logger.warn('sync: slice failed', {
    connectionId,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  try {
    if (runId) await addSliceToRun(deps.db, runId, requests);
    const row = await loadRow(deps, connectionId);
    if (row?.state !== 'syncing') return { status: 'skipped', reason: 'changed meanwhile' };
    const { kind, message } = await failRun(deps, row, runId, error);
    return { status: 'failed', kind, message, requests };
  } catch (e) {
    // The database itself is failing: leave the run as it is; the lease expires and the scheduler resumes.
    deps.logger.error('sync: could not record the failure', { connectionId, err: e });
    return {
      status: 'failed',
      kind: 'transient',
      message: 'could not record the failure',
      requests,
      unrecorded: true,
    };
  }
}
