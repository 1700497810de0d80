/** Shaping data for the usage charts (pure: the views only draw what they get). */
import type { DailyUsagePoint, UsageSummary } from '../../db/queries/usage';
import { DAY_MS, FEATURE_LABEL, FEATURES } from './activity';

export interface ChartPoint {
  label: string;
  /** Null when no data was synced for that day (drawn as a gap, not as zero). */
  value: number | null;
}

/** dayKey's text per UTC day number (every full page names the same 30 to 90 days). */
const dayKeys = new Map<number, string>();

/** `YYYY-MM-DD` of a moment, in UTC. */
export function dayKey(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const known = dayKeys.get(day);
  if (known !== undefined) return known;
  // Throws for a time outside Date's range, as before (nothing is kept then).
  const key = new Date(ms).toISOString().slice(0, 10);
  if (dayKeys.size >= 20_000) dayKeys.clear();
  dayKeys.set(day, key);
  return key;
}

/** The `days` calendar days ending today (UTC), oldest first. */
export function dayRange(now: number, days: number): string[] {
  return Array.from({ length: days }, (_, i) => dayKey(now - (days - 1 - i) * DAY_MS));
}

/** Two series over the same days, with missing days as gaps. */
export function dailySeries(
  points: DailyUsagePoint[],
  days: string[],
): { activeUsers: ChartPoint[]; meetings: ChartPoint[] } {
  const byDay = new Map(points.map((p) => [p.day, p]));
  return {
    activeUsers: days.map((day) => ({ label: day, value: byDay.get(day)?.activeUsers ?? null })),
    meetings: days.map((day) => ({ label: day, value: byDay.get(day)?.meetings ?? null })),
  };
}

export interface ShareBar {
  label: string;
  count: number;
  /** 0..1 of active users. */
  share: number;
}

/** Share of active users who used each feature in the period. */
export function featureAdoption(summary: UsageSummary): ShareBar[] {
  return FEATURES.map((f) => {
    const count = summary.activeUsing[f];
    return { label: FEATURE_LABEL[f], count, share: summary.active > 0 ? count / summary.active : 0 };
  });
}
