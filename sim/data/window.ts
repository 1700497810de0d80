import { dayStart, MINUTE_MS } from '../lib/time';
import { MAX_DURATION_MINUTES, type MeetingGenerator, type MeetingShape } from './meetings';
import type { MeetingTimeline } from './timeline';

/** Bounds on a meeting listing (epoch ms); every bound is optional. */
export interface MeetingRange {
  /** start >= startFrom */
  startFrom?: number;
  /** start < startBefore */
  startBefore?: number;
  /** end > endAfter */
  endAfter?: number;
  /** end < endBefore */
  endBefore?: number;
  /** An extra condition that forces a scan of the whole range (e.g. a host or numeric-id filter). */
  match?: (shape: MeetingShape) => boolean;
}

interface Segment {
  from: number;
  to: number;
  /** Every index in a trusted segment passes; others must be checked one by one. */
  trusted: boolean;
}

const MAX_DURATION_MS = MAX_DURATION_MINUTES * MINUTE_MS;

/**
 * The meetings a listing shows at `now`: those inside the range that have ended and whose late
 * arrival delay has passed. Start bounds map to an index range by binary search; end bounds and
 * visibility can only be wrong for meetings starting within the longest duration (plus the late
 * delay) of a bound, so only those fringes are scanned and the middle is counted by arithmetic.
 * Paging therefore costs O(page + fringe), never O(listing).
 */
export class MeetingQuery {
  private readonly timeline: MeetingTimeline;
  private readonly meetings: MeetingGenerator;
  private readonly now: number;
  private readonly lateMs: number;
  private readonly range: MeetingRange;
  private readonly segments: Segment[];
  private readonly scanCounts = new Map<number, number>();

  constructor(
    timeline: MeetingTimeline,
    meetings: MeetingGenerator,
    now: number,
    lateMs: number,
    range: MeetingRange,
  ) {
    this.timeline = timeline;
    this.meetings = meetings;
    this.now = now;
    this.lateMs = Math.max(0, lateMs);
    this.range = range;
    this.segments = this.plan();
  }

  private plan(): Segment[] {
    const { startFrom, startBefore, endAfter, endBefore, match } = this.range;
    const horizon = dayStart(this.timeline.firstDay);
    const startLo = Math.max(
      horizon,
      startFrom ?? Number.NEGATIVE_INFINITY,
      endAfter !== undefined ? endAfter - MAX_DURATION_MS + 1 : Number.NEGATIVE_INFINITY,
    );
    // A visible meeting has ended, so it started before now; and it started before any end bound.
    const startHi = Math.min(
      startBefore ?? Number.POSITIVE_INFINITY,
      endBefore ?? Number.POSITIVE_INFINITY,
      this.now + 1,
    );
    if (!(startHi > startLo)) return [];
    const a = this.timeline.indexAtTime(startLo);
    const b = this.timeline.indexAtTime(startHi);
    if (b <= a) return [];
    if (match) return [{ from: a, to: b, trusted: false }];
    const clamp = (i: number) => Math.min(b, Math.max(a, i));
    // Meetings starting at or after endAfter surely end after it.
    const h = endAfter !== undefined ? clamp(this.timeline.indexAtTime(Math.max(endAfter, startLo))) : a;
    // Meetings starting this early surely ended before endBefore and are past their late delay.
    const certainBefore = Math.min(
      endBefore !== undefined ? endBefore - MAX_DURATION_MS : Number.POSITIVE_INFINITY,
      this.now - MAX_DURATION_MS - this.lateMs + 1,
    );
    const t = Math.max(h, certainBefore <= startLo ? a : clamp(this.timeline.indexAtTime(certainBefore)));
    return [
      { from: a, to: h, trusted: false },
      { from: h, to: t, trusted: true },
      { from: t, to: b, trusted: false },
    ].filter((s) => s.to > s.from);
  }

  private passes(shape: MeetingShape): boolean {
    const { endAfter, endBefore, match } = this.range;
    if (endAfter !== undefined && !(shape.endTime > endAfter)) return false;
    if (endBefore !== undefined && !(shape.endTime < endBefore)) return false;
    if (shape.endTime + this.meetings.lateDelay(shape, this.lateMs) > this.now) return false;
    return match ? match(shape) : true;
  }

  private scanCount(k: number, s: Segment): number {
    const cached = this.scanCounts.get(k);
    if (cached !== undefined) return cached;
    let n = 0;
    this.timeline.forEach(s.from, s.to, (slot, start) => {
      if (this.passes(this.meetings.shape(slot, start))) n++;
      return undefined;
    });
    this.scanCounts.set(k, n);
    return n;
  }

  /** How many meetings the listing holds. */
  count(): number {
    let n = 0;
    this.segments.forEach((s, k) => {
      n += s.trusted ? s.to - s.from : this.scanCount(k, s);
    });
    return n;
  }

  /** The listing's meetings at positions [offset, offset + limit), in start-time order. */
  page(offset: number, limit: number): MeetingShape[] {
    const out: MeetingShape[] = [];
    let skip = Math.max(0, offset);
    for (let k = 0; k < this.segments.length && out.length < limit; k++) {
      const s = this.segments[k];
      if (!s) continue;
      if (s.trusted) {
        const size = s.to - s.from;
        if (skip >= size) {
          skip -= size;
          continue;
        }
        const from = s.from + skip;
        skip = 0;
        this.timeline.forEach(from, Math.min(s.to, from + (limit - out.length)), (slot, start) => {
          out.push(this.meetings.shape(slot, start));
          return undefined;
        });
        continue;
      }
      const known = this.scanCounts.get(k);
      if (known !== undefined && skip >= known) {
        skip -= known;
        continue;
      }
      this.timeline.forEach(s.from, s.to, (slot, start) => {
        const shape = this.meetings.shape(slot, start);
        if (!this.passes(shape)) return undefined;
        if (skip > 0) {
          skip--;
          return undefined;
        }
        out.push(shape);
        return out.length < limit;
      });
    }
    return out;
  }

  /** Visits every meeting in the listing (aggregates; O(listing) time, O(1) memory). */
  forEach(visit: (shape: MeetingShape) => void): void {
    for (const s of this.segments) {
      this.timeline.forEach(s.from, s.to, (slot, start) => {
        const shape = this.meetings.shape(slot, start);
        if (s.trusted || this.passes(shape)) visit(shape);
        return undefined;
      });
    }
  }
}
