import { localParts, MINUTE_MS, startOfLocalDay, zonedMidnight } from '../lib/time';
import { MAX_DURATION_MINUTES } from './meetings';
import type { EnterpriseModel } from './model';

/** Grouping for meeting usage over time (`groupInterval`). */
export type GroupInterval = 'DAY' | 'WEEK' | 'MONTH';

/** A reporting bucket [start, end) in epoch ms. */
export interface Bucket {
  start: number;
  end: number;
}

/** Totals over the meetings that started in one bucket. */
export interface BucketUsage {
  numMeetings: number;
  numEndpoints: number;
  endpointMinutes: number;
  activeUsers: number;
}

/** Per-user totals for the top-users report. */
export interface UserUsage {
  userIndex: number;
  participantMinutes: number;
  lastMeetingTime: number;
}

/** Most buckets one request may ask for (ten years of days). */
export const MAX_BUCKETS = 3660;

/** Splits [low, high] into local calendar buckets of a zone, clipped to the bounds. */
export function bucketsBetween(
  low: number,
  high: number,
  interval: GroupInterval,
  timeZone: string,
): Bucket[] {
  const out: Bucket[] = [];
  if (high < low) return out;
  let start = startOfLocalDay(low, timeZone);
  if (interval !== 'DAY') {
    const p = localParts(start, timeZone);
    if (interval === 'MONTH') {
      start = zonedMidnight(p.year, p.month, 1, timeZone);
    } else {
      // Weeks start on Monday, as BlueJeans' reports did.
      const dow = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
      start = zonedMidnight(p.year, p.month, p.day - ((dow + 6) % 7), timeZone);
    }
  }
  while (start <= high) {
    const p = localParts(start + 12 * 60 * MINUTE_MS, timeZone);
    const next =
      interval === 'DAY'
        ? zonedMidnight(p.year, p.month, p.day + 1, timeZone)
        : interval === 'WEEK'
          ? zonedMidnight(p.year, p.month, p.day + 7, timeZone)
          : zonedMidnight(p.year, p.month + 1, 1, timeZone);
    out.push({ start: Math.max(start, low), end: Math.min(next, high + 1) });
    if (out.length > MAX_BUCKETS) throw new RangeError('too many buckets');
    start = next;
  }
  return out;
}

/**
 * Analytics are aggregates, so they scan the meetings of their window (O(window) time, O(users)
 * memory). Buckets whose meetings can no longer change are cached.
 */
export class AnalyticsEngine {
  private readonly model: EnterpriseModel;
  private readonly cache = new Map<string, BucketUsage>();
  private topCache: { key: string; rows: UserUsage[] } | null = null;

  constructor(model: EnterpriseModel) {
    this.model = model;
  }

  /** Drops cached results (visibility rules changed). */
  clear(): void {
    this.cache.clear();
    this.topCache = null;
  }

  private settled(end: number, now: number, lateMs: number): boolean {
    return end + MAX_DURATION_MINUTES * MINUTE_MS + lateMs <= now;
  }

  /** Usage of the meetings visible at `now` that started inside `bucket`. */
  usage(bucket: Bucket, now: number, lateMs: number): BucketUsage {
    const key = `${bucket.start}:${bucket.end}:${lateMs}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const result: BucketUsage = { numMeetings: 0, numEndpoints: 0, endpointMinutes: 0, activeUsers: 0 };
    const active = new Set<number>();
    this.model.query(now, lateMs, { startFrom: bucket.start, startBefore: bucket.end }).forEach((shape) => {
      const plan = this.model.meetings.plan(shape);
      result.numMeetings++;
      result.numEndpoints += plan.attendees.length;
      result.endpointMinutes += plan.totalParticipantMinutes;
      for (const a of plan.attendees) if (a.userIndex !== undefined) active.add(a.userIndex);
    });
    result.activeUsers = active.size;
    if (this.settled(bucket.end, now, lateMs)) {
      if (this.cache.size > 20_000) this.cache.clear();
      this.cache.set(key, result);
    }
    return result;
  }

  /** Participant minutes and last meeting per user over [start, end), highest minutes first. */
  topUsers(start: number, end: number, now: number, lateMs: number): UserUsage[] {
    const key = `${start}:${end}:${lateMs}`;
    if (this.topCache?.key === key) return this.topCache.rows;
    const byUser = new Map<number, UserUsage>();
    this.model.query(now, lateMs, { startFrom: start, startBefore: end }).forEach((shape) => {
      const plan = this.model.meetings.plan(shape);
      for (const p of plan.attendees) {
        if (p.userIndex === undefined) continue;
        const row = byUser.get(p.userIndex) ?? {
          userIndex: p.userIndex,
          participantMinutes: 0,
          lastMeetingTime: 0,
        };
        row.participantMinutes += p.minutes;
        row.lastMeetingTime = Math.max(row.lastMeetingTime, plan.startTime);
        byUser.set(p.userIndex, row);
      }
    });
    const rows = [...byUser.values()].sort(
      (a, b) => b.participantMinutes - a.participantMinutes || a.userIndex - b.userIndex,
    );
    // Only a window whose meetings can no longer change may be reused.
    if (this.settled(end, now, lateMs)) this.topCache = { key, rows };
    return rows;
  }
}
