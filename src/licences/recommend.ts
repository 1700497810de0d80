/**
 * A recommendation for every licensed user, and the concrete reason beside it. The SQL in
 * db/queries/usage.ts (`recommendationSql`) mirrors `recommend` so the users table can filter and count
 * on it; tests hold the two together. Reasons never claim more history than was synced: a user who
 * joined before the synced history began reads "in the N days synced", never "since joining".
 */
import { formatDate } from '../views/format';
import { isExempt } from './settings';

export const RECOMMENDATIONS = ['reclaim', 'attendee_only', 'keep', 'exempt', 'new'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

export const RECOMMENDATION_LABEL: Record<Recommendation, string> = {
  reclaim: 'Reclaim',
  attendee_only: 'Attendee only',
  keep: 'Keep',
  exempt: 'Exempt',
  new: 'New',
};

const DAY_MS = 86_400_000;

/** What the rules depend on, fixed once per request. */
export interface RecommendationContext {
  now: number;
  /** The inactivity threshold in days (the period hosted/attended counts cover). */
  thresholdDays: number;
  graceDays: number;
  exempt: readonly string[];
  /** Username of the account Seatwise connects with, when it is a user. */
  connectingUsername: string | null;
  /** The earliest synced meeting; null before any data. */
  historyFrom: number | null;
}

export interface RecommendationFacts {
  username: string;
  email: string | null;
  isAdmin: boolean;
  joinedAt: number | null;
  removedAt: number | null;
  lastActiveAt: number | null;
  /** Counts within the threshold period. */
  meetingsHosted: number;
  meetingsAttended: number;
  reclaimedAt?: number | null;
  reclaimedBy?: string | null;
}

/** The start of the grace window: users who joined after it are `new`. */
export function graceFrom(ctx: Pick<RecommendationContext, 'now' | 'graceDays'>): number {
  return ctx.now - ctx.graceDays * DAY_MS;
}

/** Removed users hold no seat: no recommendation. */
export function recommend(f: RecommendationFacts, ctx: RecommendationContext): Recommendation | null {
  if (f.removedAt != null) return null;
  if (isExempt(f.email, ctx.exempt)) return 'exempt';
  if (f.isAdmin) return 'exempt';
  if (ctx.connectingUsername != null && f.username === ctx.connectingUsername) return 'exempt';
  if (f.joinedAt != null && f.joinedAt > graceFrom(ctx)) return 'new';
  if (f.meetingsHosted > 0) return 'keep';
  if (f.meetingsAttended > 0) return 'attendee_only';
  return 'reclaim';
}

/** Whole days of synced history at `now` (0 before any). */
export function syncedDays(ctx: Pick<RecommendationContext, 'now' | 'historyFrom'>): number {
  if (ctx.historyFrom == null) return 0;
  return Math.max(0, Math.ceil((ctx.now - ctx.historyFrom) / DAY_MS));
}

/** "in the last 30 days", or "in the 12 days synced" when less history than that exists. */
export function periodPhrase(ctx: RecommendationContext): string {
  const synced = syncedDays(ctx);
  return synced < ctx.thresholdDays
    ? `in the ${synced} day${synced === 1 ? '' : 's'} synced`
    : `in the last ${ctx.thresholdDays} days`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The concrete reason for a recommendation (or for a removed user, how they went). */
export function recommendationReason(
  rec: Recommendation | null,
  f: RecommendationFacts,
  ctx: RecommendationContext,
): string {
  if (rec === null) {
    if (f.reclaimedAt != null && f.removedAt != null) {
      return `removed by Seatwise on ${formatDate(f.reclaimedAt)}, approved by ${f.reclaimedBy ?? 'an admin'}`;
    }
    return f.removedAt != null
      ? `removed from BlueJeans on ${formatDate(f.removedAt)}`
      : 'removed from BlueJeans';
  }
  switch (rec) {
    case 'exempt': {
      const match = isExempt(f.email, ctx.exempt);
      if (match) return match.startsWith('@') ? `exempt: every ${match} address` : 'on the exemption list';
      if (f.isAdmin) return 'enterprise administrator: Seatwise never removes admins';
      return 'the account Seatwise connects with';
    }
    case 'new':
      return `joined on ${formatDate(f.joinedAt ?? ctx.now)}, within the ${ctx.graceDays}-day grace period for new users`;
    case 'keep':
      return `hosted ${plural(f.meetingsHosted, 'meeting')} ${periodPhrase(ctx)}`;
    case 'attendee_only':
      return `attended ${plural(f.meetingsAttended, 'meeting')}, hosted none ${periodPhrase(ctx)}`;
    case 'reclaim': {
      const synced = syncedDays(ctx);
      if (f.lastActiveAt == null) {
        // "Since joining" only when the whole membership lies inside the synced history.
        if (f.joinedAt != null && ctx.historyFrom != null && f.joinedAt >= ctx.historyFrom) {
          return `no meeting since joining on ${formatDate(f.joinedAt)}`;
        }
        return `no meeting in the ${plural(synced, 'day')} synced`;
      }
      return `no meeting hosted or attended ${periodPhrase(ctx)} (last on ${formatDate(f.lastActiveAt)})`;
    }
  }
}
