/**
 * Running a reclaim job, the way the sync runs: in bounded slices, each under the connection's sync
 * lease (so a removal never interleaves with a sync page, and one runner works on a connection at a
 * time) and the connection's rate limiter (the connector's shared token bucket). On Workers each slice
 * is a queue message that enqueues its continuation; on Node and Deno the slices run in this process.
 *
 * Crash safety, item by item: `attempted_at` is written before the removeUser call, and the result
 * commits with everything it changes. An item found attempted but unsettled (the runner died between
 * the call and the write) is re-checked with getUser first: 404 means the earlier call removed them,
 * so nobody is removed twice and nobody is skipped.
 *
 * Safeguards, re-checked right before each call: never an enterprise admin, an exempt user, the
 * connecting account, or a user of another connection (items only name users of the job's connection).
 * A 403 from BlueJeans stops the job with what to do; 429 and 5xx are retried with backoff: within the
 * slice (a 5xx or no answer is re-checked with getUser before the next try, since the removal may have
 * worked) and then in later slices, until MAX_ATTEMPTS reports the user failed.
 */
import { and, eq } from 'drizzle-orm';
import { getLicenceSettings } from '../../db/queries/licences';
import { bjUsers, connections } from '../../db/schema';
import { recordAudit } from '../connections/audit';
import { openCredentials } from '../connections/credentials';
import type { BlueJeansSession } from '../connectors/bluejeans';
import { ConnectorError } from '../connectors/types';
import type { Deps } from '../deps';
import { acquireLease, handBackLease, newHolderId, renewLease } from '../lib/lease';
import { createRequestBudget, type RequestBudget } from '../lib/request-budget';
import { runUntilSettled } from '../sync/engine';
import { syncActivity } from '../sync/interrupted';
import { leaseKey } from '../sync/slice';
import { connectingUsername } from '../usage/load';
import { notifyReclaimCompleted } from './events';
import { protectedReason } from './selection';
import {
  addSlice,
  claimTurn,
  countItems,
  finishJob,
  jobItems,
  loadJob,
  markAttempt,
  noteRetry,
  pendingItems,
  RECLAIM_ACTOR,
  type ReclaimItem,
  type ReclaimJob,
  recordGone,
  recordOutcome,
  recordRemoved,
  skipUnattempted,
  stopJob,
  unfinishedJobs,
} from './store';

export interface ReclaimOptions {
  /** HTTP requests one slice may make (each user needs one, an interrupted one two). */
  requestBudget: number;
  /** Wall time after which a slice stops before the next user. */
  timeBudgetMs: number;
  leaseTtlMs: number;
}

export const DEFAULT_RECLAIM_OPTIONS: ReclaimOptions = {
  requestBudget: 40,
  timeBudgetMs: 20_000,
  leaseTtlMs: 30_000,
};

/**
 * On a shared invocation budget (Workers: database round trips count as subrequests too): what a slice
 * keeps back for closing (finishing the job: its items, the record, the activity log, the event), what
 * one user takes at most besides its BlueJeans requests (lease renewal, job and user reads, the attempt,
 * the result batch), and the least worth starting with (opening reads, a token, one user, closing).
 */
export const RECLAIM_CLOSE_RESERVE = 10;
const DB_PER_USER = 7;
export const RECLAIM_MIN_SUBREQUESTS = 24;

/** Transient failures (429/5xx after the client's own retries) a user may have before it is reported failed. */
export const MAX_ATTEMPTS = 5;

export type ReclaimSliceOutcome =
  /** The job is finished (done, stopped or cancelled); nothing more to run. */
  | { status: 'done' }
  /** Budget or time ran out with users left: run another slice. */
  | { status: 'continue' }
  /** Another runner or a sync holds (or is about to take) the connection's lease: try again later. */
  | { status: 'busy'; syncing?: true }
  /** BlueJeans is struggling: run the next slice after this delay. */
  | { status: 'retry'; delayMs: number };

const STOP_403 =
  'BlueJeans refused to remove users (HTTP 403): the connected account is not allowed to. Reconnect BlueJeans with an enterprise administrator’s App Key or login that may modify users (Admin > Group Settings > OAuth Access), then start a new reclaim for the users left.';
const SKIPPED_STOP = 'not attempted: the reclaim stopped before this user';
const SKIPPED_CANCEL = 'not removed: the reclaim was cancelled';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs one bounded slice of a job. Throws only when the database fails (the caller retries later). */
export async function runReclaimSlice(
  deps: Deps,
  jobId: string,
  over: Partial<ReclaimOptions> = {},
  invocation?: RequestBudget,
): Promise<ReclaimSliceOutcome> {
  const options: ReclaimOptions = {
    ...DEFAULT_RECLAIM_OPTIONS,
    leaseTtlMs: deps.config.SYNC_LEASE_TTL_SECONDS * 1000,
    ...over,
  };
  const job = await loadJob(deps.db, jobId);
  if (!job || job.finishedAt != null) return { status: 'done' };
  // A sync at work (or between its slices) goes first: removals wait for it, never cut into it.
  const before = await connectionState(deps, job.connectionId);
  if (
    before?.state === 'syncing' &&
    (await syncActivity(deps, before, deps.clock.now())).kind === 'running'
  ) {
    return { status: 'busy', syncing: true };
  }
  const lease = {
    key: leaseKey(job.connectionId),
    holder: newHolderId('reclaim'),
    ttlMs: options.leaseTtlMs,
  };
  if (!(await acquireLease(deps.db, lease, deps.clock.now()))) return { status: 'busy' };
  const renew = () => renewLease(deps.db, lease, deps.clock.now());
  const heartbeat = setInterval(
    () => {
      renew().catch(() => undefined);
    },
    Math.max(500, Math.floor(options.leaseTtlMs / 3)),
  );
  (heartbeat as { unref?: () => void }).unref?.();
  let outcome: ReclaimSliceOutcome;
  try {
    outcome = await sliceUnderLease(deps, job, options, renew, invocation, before?.state === 'syncing');
    await addSlice(deps.db, job.id);
  } finally {
    clearInterval(heartbeat);
    await handBackLease(deps.db, lease.key, lease.holder, deps.clock.now()).catch(() => undefined);
  }
  // A sync that started while this slice held the lease found it taken and stopped: carry it on.
  const after = await connectionState(deps, job.connectionId);
  if (after?.state === 'syncing' && before?.state !== 'syncing') await continueSync(deps, job.connectionId);
  return outcome;
}

async function connectionState(deps: Deps, connectionId: string) {
  return deps.db
    .select({ id: connections.id, state: connections.state, updatedAt: connections.updatedAt })
    .from(connections)
    .where(eq(connections.id, connectionId))
    .get();
}

/** Starts the connection's sync slices again (a queue message, or a run in this process). */
async function continueSync(deps: Deps, connectionId: string): Promise<void> {
  if (deps.queue) {
    await deps.queue.send({ type: 'sync', connectionId, trigger: 'continuation' });
    return;
  }
  const tracked = runningFor(deps);
  const key = `sync:${connectionId}`;
  if (tracked.has(key)) return;
  const p = runUntilSettled(deps, { connectionId, trigger: 'continuation' })
    .then(() => undefined)
    .catch((err) => deps.logger.error('reclaim: could not carry the sync on', { connectionId, err }))
    .finally(() => tracked.delete(key));
  tracked.set(key, p);
}

async function sliceUnderLease(
  deps: Deps,
  initial: ReclaimJob,
  options: ReclaimOptions,
  renew: () => Promise<boolean>,
  invocation: RequestBudget | undefined,
  startedSyncing: boolean,
): Promise<ReclaimSliceOutcome> {
  const { db, clock } = deps;
  const start = clock.now();
  let job = initial;
  if (job.status === 'stopped') return stopAndFinish(deps, job, job.stopReason ?? 'The reclaim stopped.');
  const row = await db.select().from(connections).where(eq(connections.id, job.connectionId)).get();
  if (!row?.sealedCredentials || row.state === 'disconnected' || row.state === 'needs_reauth') {
    const why =
      row?.state === 'needs_reauth'
        ? 'BlueJeans no longer accepts the credentials Seatwise holds: click Reconnect on the dashboard, then start a new reclaim for the users left.'
        : 'BlueJeans was disconnected before every user was removed: connect again, then start a new reclaim for the users left.';
    return stopAndFinish(deps, job, why);
  }
  const settings = await getLicenceSettings(db, job.orgId);
  if (job.status === 'running' && !settings.allowRemoval) {
    return stopAndFinish(
      deps,
      job,
      'Removing users was turned off on Licences after this reclaim was approved. Turn it on again and start a new reclaim for the users left.',
    );
  }
  const guard = { exempt: settings.exempt, connectingUsername: connectingUsername(row) };
  const budget = createRequestBudget(
    options.requestBudget,
    invocation ? { parent: invocation, reserve: RECLAIM_CLOSE_RESERVE } : {},
  );
  // Per user: a re-check and the removal at BlueJeans, and (sharing an invocation) its database trips.
  const perUser = 2 + (invocation ? DB_PER_USER : 0);
  const credentials = await openCredentials(
    deps.db,
    deps.sealer,
    { orgId: row.orgId, connectionId: row.id },
    row.sealedCredentials,
  );
  const session = deps.bluejeans.session(
    { id: row.id, orgId: row.orgId, credentials, enterpriseId: row.enterpriseId },
    { budget },
  );

  for (const item of await pendingItems(db, job.id)) {
    // Two requests at most per user (a re-check and the removal): stop before a user that may not fit.
    if (budget.remaining < perUser || clock.now() - start >= options.timeBudgetMs)
      return { status: 'continue' };
    if (!(await renew())) return { status: 'busy' };
    // A sync asked to start meanwhile (Sync now, the cron): hand the connection over before the next user.
    if (!startedSyncing && (await connectionState(deps, job.connectionId))?.state === 'syncing') {
      return { status: 'busy', syncing: true };
    }
    const fresh = await loadJob(db, job.id);
    if (!fresh) return { status: 'done' };
    job = fresh;
    if (job.status === 'stopped') return stopAndFinish(deps, job, job.stopReason ?? 'The reclaim stopped.');
    const cancelled = job.status === 'cancelled';
    // A cancelled job only settles removals that may already have happened; the rest were skipped.
    if (cancelled && item.attemptedAt == null) continue;
    const now = clock.now();
    try {
      if (item.attemptedAt != null) {
        // Interrupted between the call and its record: did the earlier call go through?
        if (!(await session.userExists(item.userId))) {
          await recordRemoved(db, job, item, 'removed (confirmed after an interrupted attempt)', clock.now());
          continue;
        }
        if (cancelled) {
          await recordOutcome(db, job.id, item.userId, 'skipped', SKIPPED_CANCEL, now);
          continue;
        }
      }
      const refusal = await refusalFor(deps, job, item, guard);
      if (refusal) {
        await recordOutcome(db, job.id, item.userId, 'refused', refusal, now);
        continue;
      }
      if (!(await markAttempt(db, job.id, item.userId, now))) continue;
      const result = await removeWithRetries(deps, session, item.userId);
      if (result === 'removed') await recordRemoved(db, job, item, 'removed', clock.now());
      else if (result === 'confirmed')
        await recordRemoved(db, job, item, 'removed (confirmed after an unanswered attempt)', clock.now());
      else
        await recordGone(
          db,
          job,
          item,
          'already gone: BlueJeans no longer lists this user (404)',
          clock.now(),
        );
    } catch (e) {
      if (!(e instanceof ConnectorError)) throw e;
      if (e.kind === 'budget') return { status: 'continue' };
      if (e.status === 403) {
        await recordOutcome(
          db,
          job.id,
          item.userId,
          'failed',
          'BlueJeans refused to remove this user (HTTP 403)',
          clock.now(),
        );
        return stopAndFinish(deps, job, STOP_403);
      }
      if (e.kind === 'auth') {
        await recordOutcome(db, job.id, item.userId, 'failed', `not removed: ${e.message}`, clock.now());
        return stopAndFinish(deps, job, e.message);
      }
      if (e.kind === 'transient') {
        const attempts = item.attempts + 1;
        if (attempts >= MAX_ATTEMPTS) {
          // Giving up: did one of the unanswered tries work after all?
          const exists = await session.userExists(item.userId).catch(() => undefined);
          if (exists === false) {
            await recordRemoved(db, job, item, 'removed (confirmed after unanswered attempts)', clock.now());
          } else {
            const unsure =
              exists === undefined ? ' (BlueJeans could not confirm either way; the next sync shows it)' : '';
            await recordOutcome(
              db,
              job.id,
              item.userId,
              'failed',
              `not removed after ${attempts} tries${unsure}: ${e.message}`,
              clock.now(),
            );
          }
          continue;
        }
        await noteRetry(db, job.id, item.userId, `retrying: ${e.message}`);
        // Tried (and waited) within this slice already; the next slice waits longer still.
        return { status: 'retry', delayMs: Math.min(5_000 * 2 ** (attempts - 1), 5 * 60_000) };
      }
      await recordOutcome(db, job.id, item.userId, 'failed', `not removed: ${message(e)}`, clock.now());
    }
  }
  return finishIfSettled(deps, job.id);
}

const TRIES_PER_SLICE = 4;

/**
 * One user's removal, retried within the slice: a 429 was refused before BlueJeans acted, so it is
 * simply tried again after the wait it asked for; a 5xx or no answer may have removed the user, so
 * getUser re-checks first (404: the removal worked). `confirmed` is such a removal.
 */
async function removeWithRetries(
  deps: Deps,
  session: BlueJeansSession,
  userId: string,
): Promise<'removed' | 'gone' | 'confirmed'> {
  for (let n = 0; ; n++) {
    try {
      return await session.removeUser(userId);
    } catch (e) {
      if (!(e instanceof ConnectorError) || e.kind !== 'transient' || n >= TRIES_PER_SLICE - 1) throw e;
      await deps.clock.sleep(Math.min(e.retryAfterMs ?? 1_000 * 2 ** n, 30_000));
      if (e.code !== 'rate_limited' && !(await session.userExists(userId))) return 'confirmed';
    }
  }
}

/** The safeguards, right before the call (settings or BlueJeans may have changed since approval). */
async function refusalFor(
  deps: Deps,
  job: ReclaimJob,
  item: ReclaimItem,
  guard: { exempt: readonly string[]; connectingUsername: string | null },
): Promise<string | undefined> {
  const user = await deps.db
    .select()
    .from(bjUsers)
    .where(and(eq(bjUsers.connectionId, job.connectionId), eq(bjUsers.userId, item.userId)))
    .get();
  if (!user) return 'refused: not a user of this BlueJeans connection';
  const why = protectedReason(user, guard);
  return why ? `refused: ${why}` : undefined;
}

async function stopAndFinish(deps: Deps, job: ReclaimJob, reason: string): Promise<ReclaimSliceOutcome> {
  await stopJob(deps.db, job.id, reason);
  const now = deps.clock.now();
  await skipUnattempted(deps.db, job.id, SKIPPED_STOP, now);
  // Attempted but unsettled users cannot be re-checked now; say what is known.
  for (const item of await pendingItems(deps.db, job.id)) {
    await recordOutcome(
      deps.db,
      job.id,
      item.userId,
      'failed',
      'interrupted before BlueJeans answered; the next sync shows whether this user is still listed',
      now,
    );
  }
  return finishIfSettled(deps, job.id);
}

/** Finishes the job once no item is pending: activity-log entry and the `reclaim.completed` event. */
async function finishIfSettled(deps: Deps, jobId: string): Promise<ReclaimSliceOutcome> {
  const items = await jobItems(deps.db, jobId);
  const counts = countItems(items);
  if (counts.pending > 0) return { status: 'continue' };
  const now = deps.clock.now();
  if (!(await finishJob(deps.db, jobId, now))) return { status: 'done' };
  const job = await loadJob(deps.db, jobId);
  if (!job) return { status: 'done' };
  await recordAudit(deps.db, {
    orgId: job.orgId,
    connectionId: job.connectionId,
    actor: RECLAIM_ACTOR,
    action: 'reclaim.finished',
    detail: {
      jobId,
      status: job.status,
      removed: counts.removed,
      gone: counts.gone,
      refused: counts.refused,
      failed: counts.failed,
      skipped: counts.skipped,
      ...(job.stopReason ? { stopReason: job.stopReason } : {}),
    },
    at: now,
  });
  await notifyReclaimCompleted(deps, job, counts);
  return { status: 'done' };
}

// ---- drivers -------------------------------------------------------------------------------------

const BACKGROUND_LIMIT_MS = 30 * 60_000;
const BUSY_WAIT_MS = 1_000;

const running = new WeakMap<Deps, Map<string, Promise<void>>>();

function runningFor(deps: Deps): Map<string, Promise<void>> {
  let mine = running.get(deps);
  if (!mine) {
    mine = new Map();
    running.set(deps, mine);
  }
  return mine;
}

/** This process's reclaim runs not finished yet (tests and shutdown await them). */
export function pendingReclaims(deps: Deps): Promise<void>[] {
  return [...(running.get(deps)?.values() ?? [])];
}

/** Runs slices in this process until the job is done (or the time allowed is up; the cron resumes it). */
export async function runReclaimToEnd(
  deps: Deps,
  jobId: string,
  options: Partial<ReclaimOptions> = {},
  limitMs = BACKGROUND_LIMIT_MS,
): Promise<ReclaimSliceOutcome> {
  const deadline = deps.clock.now() + limitMs;
  for (;;) {
    const outcome = await runReclaimSlice(deps, jobId, options);
    if (outcome.status === 'done') return outcome;
    if (deps.clock.now() >= deadline) return outcome;
    if (outcome.status === 'busy') await deps.clock.sleep(BUSY_WAIT_MS);
    else if (outcome.status === 'retry') await deps.clock.sleep(outcome.delayMs);
  }
}

/**
 * A turn's message counts as lost (the cron starts a new chain) this long after it was due: longer than
 * the queue's own redeliveries of a failed attempt take to give up (10 s doubling, capped at 5 minutes).
 */
export const RECLAIM_TURN_OVERDUE_MS = 15 * 60_000;

/**
 * Starts a new chain of messages for the job (on a queue): the turn moves on, so a message of an older
 * chain still on its way is dropped when it arrives. False when the job finished or another start won.
 */
async function startChain(deps: Deps, job: { id: string; turn: number }): Promise<boolean> {
  const queue = deps.queue;
  if (!queue) return false;
  if (!(await claimTurn(deps.db, job.id, job.turn, deps.clock.now()))) return false;
  await queue.send({ type: 'reclaim', jobId: job.id, turn: job.turn + 1 });
  return true;
}

/** Starts (or continues) a job: a queue message on Workers, a background run in this process elsewhere. */
export async function startReclaim(
  deps: Deps,
  jobId: string,
  options: Partial<ReclaimOptions> = {},
): Promise<void> {
  if (deps.queue) {
    const job = await loadJob(deps.db, jobId);
    if (job && job.finishedAt == null) await startChain(deps, job);
    return;
  }
  const jobs = runningFor(deps);
  if (jobs.has(jobId)) return;
  const p = runReclaimToEnd(deps, jobId, options)
    .then(() => undefined)
    .catch((err) => deps.logger.error('reclaim: background run crashed', { jobId, err }))
    .finally(() => jobs.delete(jobId));
  jobs.set(jobId, p);
}

/**
 * The queue consumer's handler: one slice, then its continuation (delayed while the connection is busy
 * or BlueJeans struggles). Delivery is at-least-once; the lease and the item records make a duplicate
 * harmless.
 */
export async function handleReclaimMessage(
  deps: Deps,
  jobId: string,
  invocation?: RequestBudget,
  turn?: number,
): Promise<void> {
  const job = await loadJob(deps.db, jobId);
  if (!job || job.finishedAt != null) return;
  // A message of another turn belongs to a chain that was replaced (or already moved on): drop it, or
  // chains would multiply. Messages sent before turns existed carry none and count as turn 0.
  const mine = turn ?? 0;
  if (mine !== job.turn) {
    deps.logger.info('reclaim: message of an old turn dropped', { jobId, turn: mine, current: job.turn });
    return;
  }
  const outcome = await runReclaimSlice(deps, jobId, {}, invocation);
  if (!deps.queue || outcome.status === 'done') return;
  const delaySeconds =
    outcome.status === 'busy'
      ? outcome.syncing
        ? 15
        : 2
      : outcome.status === 'retry'
        ? Math.ceil(outcome.delayMs / 1000)
        : 0;
  // A duplicate delivery of this message may have run too: only the one that moves the turn goes on.
  const due = deps.clock.now() + delaySeconds * 1000;
  if (!(await claimTurn(deps.db, jobId, mine, due))) return;
  await deps.queue.send(
    { type: 'reclaim', jobId, turn: mine + 1 },
    delaySeconds > 0 ? { delaySeconds } : undefined,
  );
}

/**
 * Every unfinished job gets a runner again (a cron firing, a process start): crash recovery. On a queue
 * only jobs whose chain is lost get a new one (their turn's message is long overdue, or was never
 * recorded); a live chain is left alone. Returns how many jobs were (re)started.
 */
export async function resumeReclaimJobs(deps: Deps): Promise<number> {
  const jobs = await unfinishedJobs(deps.db);
  if (!deps.queue) {
    for (const job of jobs) await startReclaim(deps, job.id);
    return jobs.length;
  }
  const now = deps.clock.now();
  let started = 0;
  for (const job of jobs) {
    if (job.turnDueAt != null && now < job.turnDueAt + RECLAIM_TURN_OVERDUE_MS) continue;
    if (await startChain(deps, job)) started += 1;
  }
  return started;
}
