/**
 * Telling a sync that is running from one whose worker died. A slice's holder renews the sync lease
 * while it works (short TTL, see options.ts) and hands it back when the slice ends; so for a connection
 * in `syncing`:
 * - a live lease: a slice is at work (here or in another process);
 * - a lease expired under its holder's id: the holder died mid-slice: interrupted;
 * - a lease handed back (or none) less than a TTL ago: between slices (a queue continuation, the first
 *   slice of Sync now about to start): still running;
 * - handed back (or none) longer ago than that: nothing carried the run on: interrupted.
 * Interrupted runs resume from their checkpoints: Sync now, the CLI, the next cron, a restarted process.
 */
import { and, eq, sql } from 'drizzle-orm';
import { connections } from '../../db/schema';
import type { ConnectionRow } from '../connections/store';
import type { Deps } from '../deps';
import { RELEASED_HOLDER, readLease } from '../lib/lease';
import { runUntilSettled } from './engine';
import { leaseKey } from './slice';

export type SyncActivity =
  | { kind: 'idle' }
  /** `until`: when the current lease lapses unless renewed (for messages and waiting). */
  | { kind: 'running'; until: number }
  | { kind: 'interrupted' };

/** The sync lease TTL this deployment uses. */
export function syncLeaseTtlMs(deps: Pick<Deps, 'config'>): number {
  return deps.config.SYNC_LEASE_TTL_SECONDS * 1000;
}

export async function syncActivity(
  deps: Pick<Deps, 'db' | 'config'>,
  row: Pick<ConnectionRow, 'id' | 'state' | 'updatedAt'>,
  now: number,
): Promise<SyncActivity> {
  if (row.state !== 'syncing') return { kind: 'idle' };
  const ttl = syncLeaseTtlMs(deps);
  const lease = await readLease(deps.db, leaseKey(row.id));
  if (lease && lease.expiresAt > now) return { kind: 'running', until: lease.expiresAt };
  if (lease && lease.holder !== RELEASED_HOLDER) return { kind: 'interrupted' };
  const since = Math.max(lease?.expiresAt ?? 0, row.updatedAt);
  return now - since > ttl ? { kind: 'interrupted' } : { kind: 'running', until: since + ttl };
}

/** Connections in `syncing` (with credentials): the candidates for a resume. */
export async function syncingConnections(deps: Pick<Deps, 'db'>): Promise<ConnectionRow[]> {
  return deps.db
    .select()
    .from(connections)
    .where(and(eq(connections.state, 'syncing'), sql`${connections.sealedCredentials} is not null`));
}

/**
 * At start-up of a Node or Deno process: every sync left `syncing` by a dead process is resumed in the
 * background without waiting for the cron. A lease that still looks alive is waited out (a process
 * killed seconds ago left it); if it stays alive past that, another live process owns the run.
 */
export function resumeInterruptedSyncs(deps: Deps, signal?: AbortSignal): Promise<void> {
  const work = (async () => {
    const rows = await syncingConnections(deps);
    await Promise.all(rows.map((row) => resumeWhenLapsed(deps, row, signal)));
  })();
  return work.catch((err) => deps.logger.error('sync: resuming interrupted syncs failed', { err }));
}

async function resumeWhenLapsed(deps: Deps, row: ConnectionRow, signal?: AbortSignal): Promise<void> {
  const ttl = syncLeaseTtlMs(deps);
  const giveUpAt = deps.clock.now() + 2 * ttl + 1000;
  for (;;) {
    if (signal?.aborted) return;
    const now = deps.clock.now();
    const activity = await syncActivity(deps, row, now);
    if (activity.kind === 'idle') return;
    if (activity.kind === 'interrupted') {
      deps.logger.info('sync: resuming an interrupted sync', { connectionId: row.id });
      const result = await runUntilSettled(deps, { connectionId: row.id, trigger: 'cron' });
      if (result.outcome.status === 'failed') {
        deps.logger.warn('sync: resumed sync failed', {
          connectionId: row.id,
          message: result.outcome.message,
        });
      }
      return;
    }
    if (activity.until > giveUpAt) return; // renewed meanwhile: a live process is on it
    await sleepUnlessAborted(deps, Math.max(100, activity.until - now + 100), signal);
    const fresh = await deps.db.select().from(connections).where(eq(connections.id, row.id)).get();
    if (!fresh) return;
    row = fresh;
  }
}

function sleepUnlessAborted(deps: Deps, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return deps.clock.sleep(ms);
  return new Promise((resolve) => {
    const done = () => resolve();
    signal.addEventListener('abort', done, { once: true });
    void deps.clock.sleep(ms).then(() => {
      signal.removeEventListener('abort', done);
      resolve();
    });
  });
}
