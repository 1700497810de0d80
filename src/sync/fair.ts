/**
 * Fairness across organizations for a cron firing.
 *
 * Due connections are served round-robin by organization: every organization
 * gets its turn before any gets a second, and organizations are taken in the
 * order they were last served (a connection's `updated_at` moves with every
 * slice and state change), so whoever a cut-short firing did not reach comes
 * first in the next one. In process, one slice per connection per round: a huge
 * connection needs many rounds but never holds up the others' first slice, and
 * a failing one drops out of the rotation (it retries after its backoff).
 */
import { asc, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections } from '../../db/schema';

export interface DueConnection {
  id: string;
  orgId: string;
  /** Never synced: its first run is the first sync after connecting (trigger `first_connect`). */
  lastSyncedAt?: number | null;
}

/** Every connection due now, least recently served first (same rule as dueConnectionIds). */
export async function dueConnections(db: Db, now: number): Promise<DueConnection[]> {
  return db
    .select({ id: connections.id, orgId: connections.orgId, lastSyncedAt: connections.lastSyncedAt })
    .from(connections)
    .where(
      sql`${connections.sealedCredentials} is not null and (
        (${connections.state} in ('connected', 'sync_error')
          and (${connections.nextSyncAt} is null or ${connections.nextSyncAt} <= ${now}))
        or (${connections.state} = 'syncing' and not exists (
          select 1 from leases l where l.key = 'sync:' || ${connections.id} and l.expires_at > ${now})))`,
    )
    .orderBy(asc(connections.updatedAt), asc(connections.id))
    .all();
}

/**
 * Interleaves connections by organization: the first connection of every organization (in the
 * order organizations first appear), then the second of each, and so on.
 */
export function roundRobin<T extends DueConnection>(due: readonly T[]): T[] {
  const byOrg = new Map<string, T[]>();
  for (const c of due) {
    const list = byOrg.get(c.orgId);
    if (list) list.push(c);
    else byOrg.set(c.orgId, [c]);
  }
  const queues = [...byOrg.values()];
  const out: T[] = [];
  for (let round = 0; out.length < due.length; round++) {
    for (const q of queues) {
      const c = q[round];
      if (c) out.push(c);
    }
  }
  return out;
}

/** Splits messages into `sendBatch` calls of at most `size` (Cloudflare Queues: 100 per call). */
export function chunks<T>(items: readonly T[], size = 100): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
