import { Salt, unit } from '../lib/prng';
import { DAY_MS, dayOf, dayStart, HOUR_MS, SECOND_MS } from '../lib/time';

// Relative meeting starts per UTC hour: a US-centred enterprise with EMEA and APAC offices.
const HOURLY_WEIGHTS = [5, 4, 3, 3, 3, 4, 5, 6, 8, 9, 9, 9, 11, 15, 19, 21, 21, 20, 19, 17, 15, 12, 8, 6];
const HOURLY_CDF: number[] = (() => {
  const total = HOURLY_WEIGHTS.reduce((a, b) => a + b, 0);
  const cdf = [0];
  let acc = 0;
  for (const w of HOURLY_WEIGHTS) {
    acc += w / total;
    cdf.push(acc);
  }
  return cdf;
})();

/** Maps a uniform p in [0, 1) to an hour of day (fractional), following the diurnal curve; monotone. */
function hourAt(p: number): number {
  let h = 0;
  while (h < 23 && (HOURLY_CDF[h + 1] ?? 1) <= p) h++;
  const lo = HOURLY_CDF[h] ?? 0;
  const hi = HOURLY_CDF[h + 1] ?? 1;
  return h + (p - lo) / (hi - lo);
}

/** A position in the timeline: global index, UTC day number and rank within that day. */
export interface Slot {
  index: number;
  day: number;
  j: number;
}

/**
 * The meeting timeline: how many meetings start on each day, and when each starts. Meetings are
 * ordered by start time, so a time bound maps to an index by binary search over start times that are
 * computed on demand. Only per-day prefix counts are stored (one number per day).
 */
export class MeetingTimeline {
  readonly firstDay: number;
  private readonly seed: number;
  private readonly perDay: number;
  private readonly prefix: number[] = [0];

  constructor(seed: number, firstDay: number, meetingsPerDay: number) {
    this.seed = seed;
    this.firstDay = firstDay;
    this.perDay = Math.max(0, meetingsPerDay);
  }

  /** Meetings starting on UTC day `day`: weekdays busier than weekends, with day-to-day noise. */
  countOn(day: number): number {
    if (day < this.firstDay) return 0;
    const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    const weekend = dow === 0 || dow === 6;
    // Weekday and weekend factors average to 1 over a week, so the mean stays at meetingsPerDay.
    const factor = weekend ? 0.35 : 1.26;
    const noise = 0.85 + 0.3 * unit(this.seed, Salt.day, day);
    return Math.round(this.perDay * factor * noise);
  }

  private ensure(days: number): void {
    if (days > 200_000) throw new RangeError('timeline bound too far from its first day');
    while (this.prefix.length <= days) {
      const k = this.prefix.length - 1;
      this.prefix.push((this.prefix[k] ?? 0) + this.countOn(this.firstDay + k));
    }
  }

  /** Meetings starting before UTC day `day`. */
  before(day: number): number {
    const k = day - this.firstDay;
    if (k <= 0) return 0;
    this.ensure(k);
    return this.prefix[k] ?? 0;
  }

  /** Start time of the j-th meeting of `day` (stratified draws through the diurnal curve). */
  startOf(day: number, j: number, count = this.countOn(day)): number {
    const p = (j + unit(this.seed, Salt.within, day, j)) / count;
    const ms = Math.floor(hourAt(p) * HOUR_MS);
    return dayStart(day) + Math.min(DAY_MS - SECOND_MS, Math.floor(ms / SECOND_MS) * SECOND_MS);
  }

  /** The first global index whose start time is >= t (t should not lie far beyond the present). */
  indexAtTime(t: number): number {
    const day = dayOf(t);
    if (day < this.firstDay) return 0;
    const base = this.before(day);
    const count = this.countOn(day);
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.startOf(day, mid, count) < t) lo = mid + 1;
      else hi = mid;
    }
    return base + lo;
  }

  /** The day and rank of global index `index`. */
  locate(index: number): Slot {
    while ((this.prefix[this.prefix.length - 1] ?? 0) <= index) this.ensure(this.prefix.length);
    let lo = 0;
    let hi = this.prefix.length - 1;
    // Largest k with prefix[k] <= index: days with no meetings share a prefix value, so take the last.
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.prefix[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return { index, day: this.firstDay + lo, j: index - (this.prefix[lo] ?? 0) };
  }

  /** Calls `visit` for each slot in [from, to), walking day by day without searching. */
  forEach(from: number, to: number, visit: (slot: Slot, start: number) => boolean | undefined): void {
    if (from >= to) return;
    let { day, j } = this.locate(from);
    let count = this.countOn(day);
    for (let index = from; index < to; index++) {
      while (j >= count) {
        day++;
        j = 0;
        count = this.countOn(day);
      }
      if (visit({ index, day, j }, this.startOf(day, j, count)) === false) return;
      j++;
    }
  }
}
