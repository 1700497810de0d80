/**
 * Seat activity classification: the rules behind the usage table's status and the
 * reason shown beside it. The SQL in db/queries/usage.ts mirrors `classifyStatus`
 * (it must filter and sort on status), so both live next to each other in tests.
 */
import { formatDate } from '../views/format';
import { noMeetingReason, type SyncedHistory } from './history';

export const DAY_MS = 86_400_000;

export const STATUSES = ['active', 'inactive', 'never', 'removed'] as const;
export type SeatStatus = (typeof STATUSES)[number];

export const THRESHOLDS = [30, 60, 90] as const;
export type Threshold = (typeof THRESHOLDS)[number];
export const DEFAULT_THRESHOLD: Threshold = 30;

/** Features counted on the meetings a user hosted (flags come from Command Center meetings). */
export const FEATURES = [
  'recording',
  'content_share',
  'video_share',
  'pstn',
  'large_meeting',
  'personal',
] as const;
export type Feature = (typeof FEATURES)[number];

export const FEATURE_LABEL: Record<Feature, string> = {
  recording: 'Recording',
  content_share: 'Content share',
  video_share: 'Video share',
  pstn: 'PSTN dial-in',
  large_meeting: 'Large meetings',
  personal: 'Personal room',
};

export const STATUS_LABEL: Record<SeatStatus, string> = {
  active: 'Active',
  inactive: 'Inactive',
  never: 'Never used',
  removed: 'Removed',
};

/**
 * The period is the last `days` whole UTC days, today included, because its figures come from daily
 * rollups. Activity strictly after the returned moment (the last millisecond before the period's first
 * day) counts as "within the period". With a 30-day threshold a meeting 29 days ago is active and one
 * 30 days ago is not, so "inactive" reads as "no meeting on any of the last 30 days".
 */
export function periodStart(now: number, days: number): number {
  return (Math.floor(now / DAY_MS) - days + 1) * DAY_MS - 1;
}

/** Calendar days (UTC) between a moment and now, never negative: clock skew must not show "in 2 days". */
export function daysAgo(at: number, now: number): number {
  return Math.max(0, Math.floor(now / DAY_MS) - Math.floor(at / DAY_MS));
}

export interface ActivityFacts {
  removedAt: number | null;
  lastActiveAt: number | null;
}

/** The status of one seat at `now` for a threshold in days. */
export function classifyStatus(facts: ActivityFacts, now: number, thresholdDays: number): SeatStatus {
  if (facts.removedAt != null) return 'removed';
  if (facts.lastActiveAt == null) return 'never';
  return facts.lastActiveAt > periodStart(now, thresholdDays) ? 'active' : 'inactive';
}

export interface ReasonFacts extends ActivityFacts {
  /** When the user joined the enterprise (BlueJeans' date, else when Seatwise first saw them). */
  joinedAt: number | null;
  /** Set when a Seatwise reclaim job removed the user, with the approver. */
  reclaimedAt?: number | null;
  reclaimedBy?: string | null;
}

/**
 * The human reason shown beside a status, e.g. "last meeting 45 days ago". "No use" claims stay inside
 * the synced history (see history.ts).
 */
export function statusReason(
  status: SeatStatus,
  facts: ReasonFacts,
  now: number,
  history: SyncedHistory,
): string {
  switch (status) {
    case 'removed':
      if (facts.reclaimedAt != null) {
        return `by Seatwise on ${formatDate(facts.reclaimedAt)}, approved by ${facts.reclaimedBy ?? 'an admin'}`;
      }
      return facts.removedAt != null
        ? `removed from BlueJeans on ${formatDate(facts.removedAt)}`
        : 'removed from BlueJeans';
    case 'never':
      return noMeetingReason(facts.joinedAt, history, now);
    case 'active':
    case 'inactive': {
      if (facts.lastActiveAt == null) return 'no meeting yet';
      const n = daysAgo(facts.lastActiveAt, now);
      if (n === 0) return 'last meeting today';
      return `last meeting ${n} day${n === 1 ? '' : 's'} ago`;
    }
  }
}
