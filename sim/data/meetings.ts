import { hash, type Rng, rngFor, Salt, unit } from '../lib/prng';
import { MINUTE_MS } from '../lib/time';
import { MeetingIds } from './meeting-ids';
import { LARGE_MEETING_TITLES, MEETING_TITLES } from './names';
import { describeParticipants } from './participants';
import type { MeetingTimeline, Slot } from './timeline';
import type { SimUser, UserDirectory } from './users';

/** No simulated meeting runs longer than this; it bounds how far visibility checks must look back. */
export const MAX_DURATION_MINUTES = 240;

/** The cheap part of a meeting: enough to decide whether a listing includes it. */
export interface MeetingShape extends Slot {
  startTime: number;
  endTime: number;
  durationMinutes: number;
  personal: boolean;
  large: boolean;
}

/** How a participant connected. */
export type ParticipantKind =
  | 'app'
  | 'browser'
  | 'room'
  | 'pstn-did'
  | 'pstn-tollfree'
  | 'pstn-dialout'
  | 'isdn';

/** One endpoint's attendance; minutes are whole so every total adds up exactly. */
export interface Attendance {
  kind: ParticipantKind;
  /** Enterprise members only; guests and phones have none. */
  userIndex?: number;
  joinTime: number;
  leaveTime: number;
  minutes: number;
  isModerator: boolean;
}

/** An attendee as the history and endpoint records show it (names, addresses, devices). */
export interface Participant extends Attendance {
  guid: string;
  userId?: number;
  name: string;
  email?: string;
  remoteAddress: string;
  encrypted: boolean;
  locationIndex: number;
  dialNumber?: string;
}

/** The meeting-level draws, without any user record: cheap enough for aggregate scans. */
export interface MeetingPlan extends MeetingShape {
  hostIndex: number;
  moderatorLess: boolean;
  muteOnEntry: boolean;
  autoRecord: boolean;
  recording: boolean;
  contentShare: boolean;
  videoShare: boolean;
  encryptionType: number;
  inviteeCount: number;
  createTime: number;
  roiDistance: number;
  qualarooRating: number;
  qualarooCount: number;
  pstnOnly: boolean;
  titleIndex: number;
  attendees: Attendance[];
  maxConcurrent: number;
  totalParticipantMinutes: number;
  didMinutes: number;
  tollFreeMinutes: number;
  dialoutMinutes: number;
  isdnEndpoints: number;
}

/** Everything about a meeting that both Command Center and meeting history report. */
export interface MeetingFacts extends MeetingPlan {
  uuid: string;
  guid: string;
  numericId: string;
  host: SimUser;
  title: string;
}

/**
 * Builds meetings from their slot. The UUID encodes the slot (masked) so a UUID or GUID leads back to
 * its meeting in O(1), and a checksum segment rejects UUIDs we never issued.
 */
export class MeetingGenerator {
  private readonly seed: number;
  private readonly timeline: MeetingTimeline;
  private readonly users: UserDirectory;
  private readonly ids: MeetingIds;

  constructor(seed: number, timeline: MeetingTimeline, users: UserDirectory) {
    this.seed = seed;
    this.timeline = timeline;
    this.users = users;
    this.ids = new MeetingIds(seed, timeline);
  }

  /** The listing-relevant shape of a slot (start, duration, kind). */
  shape(slot: Slot, startTime = this.timeline.startOf(slot.day, slot.j)): MeetingShape {
    const rng = rngFor(this.seed, Salt.meetingShape, slot.day, slot.j);
    const large = rng.chance(0.004);
    const personal = !large && rng.chance(0.4);
    let minutes: number;
    if (large) {
      minutes = 30 + 15 * rng.int(0, 6) + rng.int(0, 10);
    } else if (personal) {
      minutes = rng.logNormal(15, 0.9);
    } else if (rng.chance(0.55)) {
      // Scheduled meetings cluster around calendar lengths, running a little short or long.
      minutes = rng.pick([15, 30, 30, 30, 45, 60, 60, 90]) + rng.int(-4, 8);
    } else {
      minutes = rng.logNormal(28, 0.8);
    }
    const durationMinutes = Math.min(MAX_DURATION_MINUTES, Math.max(1, Math.round(minutes)));
    return {
      ...slot,
      startTime,
      durationMinutes,
      endTime: startTime + durationMinutes * MINUTE_MS,
      personal,
      large,
    };
  }

  /** How long after its end a meeting appears in listings: a per-meeting share of `lateMs`. */
  lateDelay(slot: Slot, lateMs: number): number {
    return lateMs <= 0 ? 0 : Math.floor(unit(this.seed, Salt.late, slot.day, slot.j) * lateMs);
  }

  /** The meeting's UUID (see MeetingIds). */
  uuidOf(slot: Slot): string {
    return this.ids.uuidOf(slot);
  }

  /** The slot of a UUID we issued (or of a history GUID's UUID part), else undefined. */
  slotOfUuid(uuid: string): { day: number; j: number } | undefined {
    return this.ids.slotOfUuid(uuid);
  }

  /** The host of a slot; the same first draw `plan` makes, so both always agree. */
  hostIndexOf(slot: Slot, startTime: number): number {
    return this.users.sampleEligible(rngFor(this.seed, Salt.meeting, slot.day, slot.j), startTime) ?? 0;
  }

  /** The numeric meeting id: the host's personal room id for personal meetings. */
  numericIdOf(shape: MeetingShape): string {
    return shape.personal
      ? this.users.personalMeetingIdOf(this.hostIndexOf(shape, shape.startTime))
      : this.scheduledId(shape);
  }

  private scheduledId(slot: Slot): string {
    return String(100_000_000 + (hash(this.seed, Salt.meeting, slot.day, slot.j, 7) % 900_000_000));
  }

  /** Host, feature flags and attendance of a meeting, drawn without building any user record. */
  plan(shape: MeetingShape): MeetingPlan {
    const rng = rngFor(this.seed, Salt.meeting, shape.day, shape.j);
    const { startTime, personal, large } = shape;
    const hostIndex = this.users.sampleEligible(rng, startTime) ?? 0;
    const titleIndex = rng.int(0, 1 << 20);
    const solo = !large && rng.chance(0.07);
    const endpoints = large
      ? rng.int(101, 300)
      : solo
        ? 1
        : Math.min(60, Math.max(2, Math.round(rng.logNormal(3.5, 0.6))));
    const pstnOnly = !large && endpoints <= 6 && rng.chance(0.02);
    const autoRecord = rng.chance(large ? 0.5 : 0.04);
    const recording = autoRecord || rng.chance(large ? 0.7 : 0.07);
    const contentShare = !pstnOnly && endpoints > 1 && rng.chance(large ? 0.95 : 0.45);
    const videoShare = !pstnOnly && rng.chance(0.04);
    const moderatorLess = rng.chance(personal ? 0.25 : 0.1);
    const muteOnEntry = rng.chance(large ? 0.9 : 0.15);
    const encryptionType = rng.chance(0.1) ? 1 : 0;
    const inviteeCount = personal ? 0 : Math.max(0, endpoints - 1 + rng.int(-1, 3));
    const createTime = personal ? startTime : startTime - rng.int(5 * 60, 14 * 24 * 3600) * 1000;
    const roiDistance = Math.round(rng.next() * 50_000) / 100;
    const rated = rng.chance(0.1);
    const qualarooRating = rated ? rng.int(1, 5) : 0;
    const qualarooCount = rated ? rng.int(1, 3) : 0;

    const attendees = this.attendance(shape, hostIndex, endpoints, pstnOnly);
    let total = 0;
    let did = 0;
    let tollFree = 0;
    let dialout = 0;
    let isdn = 0;
    for (const a of attendees) {
      total += a.minutes;
      if (a.kind === 'pstn-did') did += a.minutes;
      else if (a.kind === 'pstn-tollfree') tollFree += a.minutes;
      else if (a.kind === 'pstn-dialout') dialout += a.minutes;
      else if (a.kind === 'isdn') isdn++;
    }
    return {
      ...shape,
      hostIndex,
      moderatorLess,
      muteOnEntry,
      autoRecord,
      recording,
      contentShare,
      videoShare,
      encryptionType,
      inviteeCount,
      createTime,
      roiDistance,
      qualarooRating,
      qualarooCount,
      pstnOnly,
      titleIndex,
      attendees,
      maxConcurrent: maxConcurrent(attendees),
      totalParticipantMinutes: total,
      didMinutes: did,
      tollFreeMinutes: tollFree,
      dialoutMinutes: dialout,
      isdnEndpoints: isdn,
    };
  }

  /** The whole meeting as the records show it: plan plus host, ids and title. */
  facts(shape: MeetingShape): MeetingFacts {
    const plan = this.plan(shape);
    const host = this.users.user(plan.hostIndex);
    const uuid = this.uuidOf(shape);
    const numericId = shape.personal ? host.personalMeetingId : this.scheduledId(shape);
    const titles = shape.large ? LARGE_MEETING_TITLES : MEETING_TITLES;
    const title = shape.personal
      ? `${host.firstName} ${host.lastName}'s personal meeting`
      : (titles[plan.titleIndex % titles.length] ?? 'Meeting');
    return {
      ...plan,
      uuid,
      guid: `${numericId}:${uuid.slice(0, uuid.lastIndexOf('-'))}`,
      numericId,
      host,
      title,
    };
  }

  private attendance(
    shape: MeetingShape,
    hostIndex: number,
    endpoints: number,
    pstnOnly: boolean,
  ): Attendance[] {
    const rng = rngFor(this.seed, Salt.participants, shape.day, shape.j);
    const { startTime, endTime, durationMinutes, large } = shape;
    const seen = new Set<number>([hostIndex]);
    // The host opens and closes the meeting, so the meeting's span is the host's.
    const out: Attendance[] = [
      {
        kind: pstnOnly ? 'pstn-did' : pickDevice(rng),
        userIndex: hostIndex,
        joinTime: startTime,
        leaveTime: endTime,
        minutes: durationMinutes,
        isModerator: true,
      },
    ];
    const pstnShare = pstnOnly ? 1 : large ? 0.03 : 0.08;
    for (let k = 1; k < endpoints; k++) {
      // Most people join near the start; some leave early. Whole minutes keep totals exact.
      const joinOffset = Math.floor(rng.next() ** 3 * 0.5 * durationMinutes);
      const room = durationMinutes - joinOffset;
      const leaveEarly = rng.chance(0.3) ? Math.floor(rng.next() * (room - 1)) : 0;
      const minutes = Math.max(1, room - leaveEarly);
      const joinTime = startTime + joinOffset * MINUTE_MS;
      const leaveTime = joinTime + minutes * MINUTE_MS;
      const roll = rng.next();
      let kind: ParticipantKind;
      let userIndex: number | undefined;
      if (roll < pstnShare) {
        const kindRoll = rng.next();
        kind = kindRoll < 0.7 ? 'pstn-did' : kindRoll < 0.9 ? 'pstn-tollfree' : 'pstn-dialout';
      } else if (roll < pstnShare + 0.005) {
        kind = 'isdn';
      } else {
        userIndex = roll < pstnShare + 0.655 ? this.users.sampleEligible(rng, joinTime, seen) : undefined;
        if (userIndex !== undefined) seen.add(userIndex);
        kind =
          userIndex !== undefined
            ? rng.chance(0.12)
              ? 'room'
              : pickDevice(rng)
            : rng.chance(0.6)
              ? 'browser'
              : 'app';
      }
      out.push({
        kind,
        ...(userIndex !== undefined ? { userIndex } : {}),
        joinTime,
        leaveTime,
        minutes,
        isModerator: false,
      });
    }
    return out;
  }

  /** Names, addresses and devices of the attendees (drawn only when a record shows them). */
  participants(f: MeetingFacts): Participant[] {
    return describeParticipants(this.seed, this.users, f);
  }
}

function pickDevice(rng: Rng): ParticipantKind {
  const r = rng.next();
  return r < 0.6 ? 'app' : r < 0.92 ? 'browser' : 'room';
}

/** Highest number of endpoints connected at once (intervals are [join, leave)). */
export function maxConcurrent(attendees: readonly Attendance[]): number {
  const events: [number, number][] = [];
  for (const a of attendees) {
    events.push([a.joinTime, 1]);
    events.push([a.leaveTime, -1]);
  }
  // Leaves sort before joins at the same instant.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let max = 0;
  for (const [, delta] of events) {
    live += delta;
    if (live > max) max = live;
  }
  return max;
}
