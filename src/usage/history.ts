/**
 * The span of BlueJeans history Seatwise has synced. BlueJeans is asked for the last 90 days on a first
 * sync, so "no meeting since joining in 2023" would claim more than Seatwise knows: every reason that says
 * "no use" is bounded by this span ("in the 90 days synced"). Shared by the usage table and the licence
 * recommendations.
 */
import { formatDate } from '../views/format';

const DAY_MS = 86_400_000;

/** `from`: the oldest moment the synced history covers; null when nothing has been synced yet. */
export interface SyncedHistory {
  from: number | null;
}

/** Whole days the synced history spans up to `now` (at least 1 once anything is synced). */
export function syncedDays(history: SyncedHistory, now: number): number | null {
  if (history.from == null) return null;
  return Math.max(1, Math.ceil((now - history.from) / DAY_MS));
}

/** `in the 90 days synced`, or `in the synced history` before anything is known. */
export function inSyncedHistory(history: SyncedHistory, now: number): string {
  const days = syncedDays(history, now);
  if (days == null) return 'in the synced history';
  return `in the ${days} day${days === 1 ? '' : 's'} synced`;
}

/**
 * Why a seat counts as never used, claiming no more than the synced span: a user who joined inside it
 * really has had no meeting since joining; for anyone older Seatwise only knows the synced days.
 */
export function noMeetingReason(joinedAt: number | null, history: SyncedHistory, now: number): string {
  if (history.from == null) return 'no meeting synced yet';
  if (joinedAt != null && joinedAt >= history.from)
    return `no meeting since joining on ${formatDate(joinedAt)}`;
  return `no meeting ${inSyncedHistory(history, now)} (since ${formatDate(history.from)})`;
}
