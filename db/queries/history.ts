/**
 * How far back the synced BlueJeans history reaches for one connection: the first run's planned start
 * (its start minus the first look-back), or an older synced meeting when one exists (both read by index).
 */
import { sql } from 'drizzle-orm';
import { DEFAULT_SYNC_OPTIONS } from '../../src/sync/options';
import type { SyncedHistory } from '../../src/usage/history';
import type { Db } from '../client';
import { bjMeetings, syncRuns } from '../schema';

export async function syncedHistory(
  db: Db,
  connectionId: string,
  firstLookbackMs: number = DEFAULT_SYNC_OPTIONS.firstLookbackMs,
): Promise<SyncedHistory> {
  const row = await db.get<{ first_run: number | null; first_meeting: number | null }>(
    sql`SELECT
      (SELECT min(${syncRuns.startedAt}) FROM ${syncRuns} WHERE ${syncRuns.connectionId} = ${connectionId}) AS first_run,
      (SELECT min(${bjMeetings.startTime}) FROM ${bjMeetings} WHERE ${bjMeetings.connectionId} = ${connectionId}) AS first_meeting`,
  );
  return historyFrom(row?.first_run ?? null, row?.first_meeting ?? null, firstLookbackMs);
}

/** The synced span from the first run's start and the oldest synced meeting (as `syncedHistory` reads them). */
export function historyFrom(
  firstRun: number | null,
  firstMeeting: number | null,
  firstLookbackMs: number = DEFAULT_SYNC_OPTIONS.firstLookbackMs,
): SyncedHistory {
  const candidates = [firstRun != null ? firstRun - firstLookbackMs : null, firstMeeting].filter(
    (v): v is number => v != null,
  );
  return { from: candidates.length > 0 ? Math.min(...candidates) : null };
}
