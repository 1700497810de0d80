import { DAY_MS, dayOf, MINUTE_MS } from '../lib/time';
import { AnalyticsEngine } from './analytics';
import { type EnterpriseIdentity, enterpriseFor } from './enterprise';
import { MAX_DURATION_MINUTES, type MeetingFacts, MeetingGenerator } from './meetings';
import { MeetingTimeline } from './timeline';
import { UserListing } from './user-listing';
import { UserDirectory } from './users';
import { MeetingQuery, type MeetingRange } from './window';

/** What the data set depends on; the same values always yield the same enterprise. */
export interface ModelConfig {
  seed: number;
  users: number;
  days: number;
  meetingsPerDay: number;
  /** UTC midnight the window is anchored to; meetings cover the `days` days before it and after. */
  anchor: number;
}

/**
 * The seeded enterprise: identity, users, meeting timeline and generators. Nothing here holds
 * per-meeting state; every record is rebuilt from its index.
 */
export class EnterpriseModel {
  readonly config: ModelConfig;
  readonly identity: EnterpriseIdentity;
  readonly users: UserDirectory;
  readonly listing: UserListing;
  readonly timeline: MeetingTimeline;
  readonly meetings: MeetingGenerator;
  readonly analytics: AnalyticsEngine;
  readonly windowStart: number;

  constructor(config: ModelConfig) {
    this.config = config;
    this.identity = enterpriseFor(config.seed);
    const firstDay = dayOf(config.anchor) - Math.max(0, Math.floor(config.days));
    this.windowStart = firstDay * DAY_MS;
    this.users = new UserDirectory({
      seed: config.seed,
      count: config.users,
      anchor: config.anchor,
      windowStart: this.windowStart,
      domain: this.identity.domain,
    });
    this.listing = new UserListing(this.users);
    this.timeline = new MeetingTimeline(config.seed, firstDay, config.meetingsPerDay);
    this.meetings = new MeetingGenerator(config.seed, this.timeline, this.users);
    this.analytics = new AnalyticsEngine(this);
  }

  /** The meetings a listing shows at `now` within `range`. */
  query(now: number, lateMs: number, range: MeetingRange): MeetingQuery {
    return new MeetingQuery(this.timeline, this.meetings, now, lateMs, range);
  }

  /**
   * Meetings in progress at `now` (started, not yet ended), oldest first. Only starts within the
   * longest meeting duration before `now` can still be running, so only that stretch is walked.
   */
  live(now: number): MeetingFacts[] {
    const from = this.timeline.indexAtTime(now - MAX_DURATION_MINUTES * MINUTE_MS);
    const to = this.timeline.indexAtTime(now + 1);
    const out: MeetingFacts[] = [];
    this.timeline.forEach(from, to, (slot, start) => {
      const shape = this.meetings.shape(slot, start);
      if (shape.startTime <= now && shape.endTime > now) out.push(this.meetings.facts(shape));
      return undefined;
    });
    return out;
  }

  /** A meeting by UUID (Command Center) or GUID's UUID part (history), if it is visible at `now`. */
  meetingByUuid(uuid: string, now: number, lateMs: number): MeetingFacts | undefined {
    const slot = this.meetings.slotOfUuid(uuid);
    if (!slot || slot.day > dayOf(now)) return undefined;
    const full = { index: this.timeline.before(slot.day) + slot.j, ...slot };
    const shape = this.meetings.shape(full);
    if (shape.endTime + this.meetings.lateDelay(full, lateMs) > now) return undefined;
    return this.meetings.facts(shape);
  }
}
