/**
 * How fresh the usage figures are, for the line and banner on usage pages: the connection's state, when
 * the last sync finished, what the data is complete up to, and the running sync's progress.
 */
import type { Db } from '../../db/client';
import type { ConnectionRow } from '../connections/store';
import { syncProgress } from '../sync/progress';
import type { SyncProgress } from '../views/sync-progress';

export interface Freshness {
  now: number;
  state: ConnectionRow['state'];
  lastSyncedAt: number | null;
  dataAsOf: number | null;
  /** Present while a sync runs. */
  sync?: SyncProgress;
  /** The banner saw a sync running and it has now ended: offer to show the new figures. */
  finished?: boolean;
}

export async function loadFreshness(
  db: Db,
  row: Pick<ConnectionRow, 'id' | 'state' | 'lastSyncedAt' | 'dataAsOf'>,
  now: number,
  options: { wasSyncing?: boolean } = {},
): Promise<Freshness> {
  const sync = row.state === 'syncing' ? await syncProgress(db, row.id, now) : undefined;
  return {
    now,
    state: row.state,
    lastSyncedAt: row.lastSyncedAt,
    dataAsOf: row.dataAsOf,
    ...(row.state === 'syncing' ? { sync: sync ?? { phase: 'Starting', done: 0 } } : {}),
    ...(options.wasSyncing && row.state !== 'syncing' ? { finished: true } : {}),
  };
}
