/**
 * One slice of a connection's sync: take the lease, move the connection to `syncing` (starting a run if
 * none is open), walk the streams from their checkpoints until the request or time budget is spent, and
 * either finish the run or leave it for the next slice. Any slice may be the last one to crash: every
 * page commits with its checkpoint, so the next slice (or a redelivered message) picks up exactly there.
 */
import { eq } from 'drizzle-orm';
import {
  addSliceStatement,
  type CheckpointRow,
  checkpointMap,
  checkpointsQuery,
  DONE,
  parseStats,
  runningRunQuery,
  type SyncRunRow,
} from '../../db/queries/sync';
import { connections, syncRuns } from '../../db/schema';
import { openAndUpgradeCredentials } from '../connections/credentials';
import { StaleConnectionError, transition } from '../connections/state-machine';
import type { ConnectionRow } from '../connections/store';
import type { Deps } from '../deps';
import { newId } from '../lib/ids';
import { acquireLeaseStatement, handBackLeaseStatement, heldBy, newHolderId, renewLease } from '../lib/lease';
import { createRequestBudget, type RequestBudget } from '../lib/request-budget';
import { type SyncOptions, syncOptions } from './options';
import { completeRun, failRun, SYNC_ACTOR } from './run-state';
import { STREAMS } from './streams';
import { walkStream } from './walk';

/**
 * What started a run: `first_connect` is the first sync after connecting (whatever found it due),
 * `continuation` a queue message that found no open run to continue; `queue` and `first` are what older
 * versions recorded.
 */
export type SyncTrigger = 'cron' | 'manual' | 'queue' | 'cli' | 'first' | 'first_connect' | 'continuation';

/**
 * Subrequests a slice on a shared invocation budget keeps back from its BlueJeans requests: the write of
 * the page just fetched (or the checkpoint of a page it could not fetch), the batch that closes the
 * slice, one lease renewal by the heartbeat, and the token lease and store of a token minted mid-slice.
 */
export const SLICE_CLOSE_RESERVE = 5;

/**
 * Subrequests finishing a run takes (the final bookkeeping batch, the run's outcome in one batch, the
 * webhook events' reads and writes). A slice that walked every stream but has less than this left ends
 * as `continue`: the next slice walks nothing and only finishes.
 */
export const COMPLETE_SUBREQUESTS = 16;

/**
 * The least a slice needs to get anywhere: the opening batch, the state change and the run row, a
 * token (cache read, lease, mint, store, release), one page with its write, and the closing batch.
 * Below this the queue consumer hands the message on to a later invocation instead of starting.
 */
export const MIN_SLICE_SUBREQUESTS = 14;

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
  /**
   * The budget of the invocation (Workers) this slice draws from: its BlueJeans requests are taken from
   * it, and it stops early enough that its database round trips fit too. Without one (Node, Deno, the
   * CLI) only `options.requestBudget` bounds the slice's BlueJeans requests.
   */
  budget?: RequestBudget;
}

export const leaseKey = (connectionId: string) => `sync:${connectionId}`;

/** Runs one bounded slice for one connection. Never throws for sync failures; they become outcomes. */
export async function runSlice(deps: Deps, input: SliceInput): Promise<SliceOutcome> {
  const options = syncOptions({ leaseTtlMs: deps.config.SYNC_LEASE_TTL_SECONDS * 1000, ...input.options });
  const lease = { key: leaseKey(input.connectionId), holder: newHolderId('sync'), ttlMs: options.leaseTtlMs };
  const { db } = deps;
  // One round trip opens the slice: the lease, and what the slice reads before its first page.
  const [held, rows, runs, checkpoints] = await db.batch([
    acquireLeaseStatement(db, lease, deps.clock.now()),
    db.select().from(connections).where(eq(connections.id, input.connectionId)),
    runningRunQuery(db, input.connectionId),
    checkpointsQuery(db, input.connectionId),
  ]);
  if (!heldBy(held, lease.holder)) return { status: 'busy' };
  const renewEveryMs = Math.max(500, Math.floor(options.leaseTtlMs / 3));
  const state: LeaseState = {
    lost: false,
    renewedAt: deps.clock.now(),
    renewEveryMs,
    renew: async () => false,
  };
  state.renew = async () => {
    const ok = await renewLease(db, lease, deps.clock.now());
    if (ok) state.renewedAt = deps.clock.now();
    else state.lost = true;
    return ok;
  };
  // One page can wait long (rate limits, retries): a timer keeps a live holder's short lease alive, so
  // only a dead holder lets it lapse. Pages renew it only when the timer has not lately (round trips
  // count against the invocation's subrequests on Workers).
  const heartbeat = setInterval(() => {
    state.renew().catch(() => undefined);
  }, renewEveryMs);
  (heartbeat as { unref?: () => void }).unref?.();
  const closing: Closing = {};
  try {
    const loaded = { row: rows[0], run: runs[0], checkpoints: checkpointMap(checkpoints) };
    return await sliceUnderLease(deps, input, options, loaded, state, closing);
  } finally {
    clearInterval(heartbeat);
    // Handed back with a marker, so readers can tell "between slices" from "holder died" (interrupted.ts);
    // in the same round trip as the slice's count on its run.
    const handBack = handBackLeaseStatement(db, lease.key, lease.holder, deps.clock.now());
    const close = closing.runId
      ? db.batch([addSliceStatement(db, closing.runId, closing.requests ?? 0), handBack])
      : handBack;
    await Promise.resolve(close).catch(() => undefined);
  }
}

interface LeaseState {
  lost: boolean;
  renewedAt: number;
  renewEveryMs: number;
  renew(): Promise<boolean>;
}

/** The run's slice count, left for the closing batch. */
interface Closing {
  runId?: string;
  requests?: number;
}

interface Loaded {
  row: ConnectionRow | undefined;
  run: SyncRunRow | undefined;
  checkpoints: Map<string, CheckpointRow>;
}

function isDue(row: ConnectionRow, now: number): boolean {
  return row.nextSyncAt == null || row.nextSyncAt <= now;
}

async function sliceUnderLease(
  deps: Deps,
  input: SliceInput,
  options: SyncOptions,
  loaded: Loaded,
  lease: LeaseState,
  closing: Closing,
): Promise<SliceOutcome> {
  const { db, clock } = deps;
  const sliceStart = clock.now();
  let row = loaded.row;
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

  // BlueJeans requests: at most `requestBudget` a slice and, on Workers, what the invocation has left
  // after the slice's closing round trips.
  const invocation = input.budget;
  const budget = createRequestBudget(
    options.requestBudget,
    invocation ? { parent: invocation, reserve: SLICE_CLOSE_RESERVE } : {},
  );
  let runId: string | null = null;
  try {
    const trigger = input.trigger === 'cron' && row.lastSyncedAt == null ? 'first_connect' : input.trigger;
    const run = loaded.run ?? (await startRun(deps, row.id, trigger));
    runId = run.id;
    // Credentials still sealed the old way move under the connection's data key here, on first use.
    const credentials = await openAndUpgradeCredentials(
      db,
      deps.sealer,
      { orgId: row.orgId, connectionId: row.id },
      row.sealedCredentials as string,
    );
    const session = deps.bluejeans.session(
      { id: row.id, orgId: row.orgId, credentials, enterpriseId: row.enterpriseId },
      { budget },
    );
    const stats = parseStats(run.stats);
    // Read with the lease; a run just started has none of its own yet, and older ones are still valid.
    const checkpoints = loaded.checkpoints;
    const keepGoing = async () => {
      if (lease.lost) return false;
      if (clock.now() - lease.renewedAt >= lease.renewEveryMs && !(await lease.renew())) return false;
      // On a shared budget, stop at this page boundary when no BlueJeans request is left for another.
      if (invocation && budget.remaining < 1) return false;
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
        closing.runId = run.id;
        closing.requests = budget.used;
        if (lease.lost) return { status: 'busy' };
        return { status: 'continue', runId: run.id, requests: budget.used };
      }
    }
    if (invocation && invocation.remaining < COMPLETE_SUBREQUESTS) {
      // Every stream is done but finishing would not fit: the next slice only finishes.
      closing.runId = run.id;
      closing.requests = budget.used;
      return { status: 'continue', runId: run.id, requests: budget.used };
    }
    const [, freshRows] = await db.batch([
      addSliceStatement(db, run.id, budget.used),
      db.select().from(connections).where(eq(connections.id, row.id)),
    ]);
    const fresh = freshRows[0];
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
    const select = deps.db.select().from(connections).where(eq(connections.id, connectionId));
    const row = runId
      ? (await deps.db.batch([addSliceStatement(deps.db, runId, requests), select]))[1][0]
      : await select.get();
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
