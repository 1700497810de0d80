/**
 * Pure mappings from parsed BlueJeans records to plain rows for the bj_* tables. The sync adds what only
 * it knows (connectionId, syncedAt, first-seen/last-listed bookkeeping); nothing here touches I/O.
 *
 * Emails are lower-cased so users, hosts and participants join on them; integer columns are rounded
 * because BlueJeans reports some minutes as fractions.
 */
import type { bjDailyUsage, bjMeetingHistory, bjMeetings, bjParticipants, bjUsers } from '../../../db/schema';
import type {
  AnalyticsTopUser,
  AnalyticsUsageDay,
  EnterpriseDailyUsers,
  EnterpriseUserInfo,
  HistoryParticipant,
  MeetingHistory,
  MeetingIndigo,
} from './schemas';
import { type Day, dayOf, isDay } from './windows';

/** A licensed user as listed (first-seen/last-listed/removed/last-active are the sync's). */
export type UserRow = Omit<
  typeof bjUsers.$inferInsert,
  'connectionId' | 'firstSeenAt' | 'lastListedAt' | 'removedAt' | 'lastActiveAt'
>;
/**
 * A Command Center meeting. `pstn` is left out on purpose: MeetingIndigo's `phoneNumber` is the host's
 * phone, not proof of a dial-in; PSTN use comes from meeting history (dial-out/toll-free/DID minutes), so
 * the sync sets it from there and a meetings upsert never clears it.
 */
export type MeetingRow = Omit<typeof bjMeetings.$inferInsert, 'connectionId' | 'syncedAt' | 'pstn'>;
export type HistoryRow = Omit<typeof bjMeetingHistory.$inferInsert, 'connectionId' | 'syncedAt'>;
export type ParticipantRow = Omit<typeof bjParticipants.$inferInsert, 'connectionId'>;
/** One meeting's history with its participants (written together). */
export interface HistoryRecord {
  history: HistoryRow;
  participants: ParticipantRow[];
}
/** Daily active users: fills only `activeUsers` of a bj_daily_usage row. */
export type DailyActiveRow = Pick<typeof bjDailyUsage.$inferInsert, 'day' | 'activeUsers'>;
/** Daily meeting usage: fills the meeting columns of a bj_daily_usage row. */
export type DailyMeetingUsageRow = Pick<
  typeof bjDailyUsage.$inferInsert,
  'day' | 'numMeetings' | 'numEndpoints' | 'endpointMinutes'
>;
/** Last activity per user from the top-users analytics; updates `lastActiveAt` of bj_users (keep the max). */
export type UserActivityRow = Pick<typeof bjUsers.$inferInsert, 'userId' | 'lastActiveAt'>;

const email = (v: string | null | undefined): string | null => (v ? v.trim().toLowerCase() || null : null);
const text = (v: string | null | undefined): string | null => (v?.trim() ? v : null);
const int = (v: number | null | undefined): number => (v == null ? 0 : Math.round(v));
const intOrNull = (v: number | null | undefined): number | null => (v == null ? null : Math.round(v));
const bool = (v: boolean | null | undefined): boolean => v === true;

/** EnterpriseUserInfoComp -> bj_users. */
export function mapUser(u: EnterpriseUserInfo): UserRow {
  return {
    userId: u.id,
    username: u.username,
    firstName: text(u.firstName),
    lastName: text(u.lastName),
    email: email(u.email),
    isEnterpriseAdmin: bool(u.isEnterpriseAdmin),
    enterpriseJoinDate: intOrNull(u.enterpriseJoinDate),
  };
}

/** MeetingIndigo -> bj_meetings. */
export function mapMeeting(m: MeetingIndigo): MeetingRow {
  return {
    // The schema guarantees one of the two (the spec says they are the same value).
    meetingUuid: (m.meetingUUID || m.id) as string,
    meetingId: text(m.meetingId),
    hostUserName: text(m.userName),
    hostEmail: email(m.email),
    title: text(m.title),
    startTime: Math.round(m.startTime),
    endTime: intOrNull(m.endTime),
    totalCallSeconds: int(m.totalCallSeconds),
    endpointsCount: int(m.endpointsCount),
    concurrentEndpoints: int(m.concurrentEndpoints),
    inviteeCount: int(m.inviteeCount),
    recording: bool(m.meetingRecording),
    liveRecording: bool(m.liveRecording),
    contentShare: bool(m.contentShare),
    videoShare: bool(m.videoShare),
    largeMeeting: bool(m.largeMeeting),
    personal: bool(m.personal),
    moderatorLess: bool(m.moderatorLess),
    scheduledFrom: text(m.scheduledFrom),
  };
}

/**
 * MeetingHistory -> bj_meeting_history. `meetingDuration` is minutes in BlueJeans' history (the other
 * minute fields sit beside it); Command Center's seconds live on bj_meetings.
 */
export function mapHistory(h: MeetingHistory): HistoryRow {
  return {
    meetingGuid: h.meetingGuid,
    meetingUuid: text(h.meetingUUID),
    leaderUserId: h.leaderInfo?.leaderId ?? h.userId ?? null,
    leaderEmail: email(h.leaderInfo?.email),
    startTime: Math.round(h.startTime),
    durationMinutes: int(h.meetingDuration),
    maxParticipants: int(h.maxParticipantCount),
    totalParticipantMinutes: int(h.totalParticipantMinutes),
    dialoutMinutes: int(h.totalDialoutMinutes),
    tollFreeMinutes: int(h.totalTollFreeMinutes),
    didMinutes: int(h.callDIDMinutes),
    pstnOnly: bool(h.pstnonly),
  };
}

/** The stable key of a participant: user id, else email, else position (`#3`). */
export function participantKey(p: HistoryParticipant, index: number): string {
  return p.userId ?? email(p.email) ?? `#${index}`;
}

/**
 * participantList -> bj_participants. Someone who dropped and rejoined appears twice with one key: the
 * entries merge (minutes add up, first join, last disconnect) so the primary key stays unique.
 */
export function mapParticipants(meetingGuid: string, list: readonly HistoryParticipant[]): ParticipantRow[] {
  const byKey = new Map<string, ParticipantRow>();
  list.forEach((p, index) => {
    const key = participantKey(p, index);
    const row: ParticipantRow = {
      meetingGuid,
      participantKey: key,
      userId: p.userId ?? null,
      email: email(p.email),
      minutes: int(p.minutes),
      deviceType: text(p.deviceType),
      joinTime: intOrNull(p.joinTime),
      disconnectTime: intOrNull(p.disconnectTime),
      isModerator: bool(p.isModerator),
    };
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, row);
      return;
    }
    seen.minutes = (seen.minutes ?? 0) + (row.minutes ?? 0);
    seen.joinTime = minOf(seen.joinTime, row.joinTime);
    seen.disconnectTime = maxOf(seen.disconnectTime, row.disconnectTime);
    seen.isModerator = Boolean(seen.isModerator) || Boolean(row.isModerator);
    seen.email ??= row.email;
    seen.deviceType ??= row.deviceType;
  });
  return [...byKey.values()];
}

function minOf(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return Math.min(a, b);
}
function maxOf(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return Math.max(a, b);
}

/**
 * A `the_date` as a day: `YYYY-MM-DD` (what Seatwise asks for), also `YY-MM-DD` (the spec's `%y-%m-%d`)
 * and `MM/DD/YYYY`. Null when unreadable (the record is then skipped).
 */
export function normalizeDay(value: string): Day | null {
  const v = value.trim();
  let day: string | null = null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) day = v;
  else if (/^\d{2}-\d{2}-\d{2}$/.test(v)) day = `20${v}`;
  else {
    const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
    if (m) day = `${m[3]}-${m[1]}-${m[2]}`;
  }
  return day && isDay(day) ? day : null;
}

/** EnterpriseDailyUsers -> bj_daily_usage.activeUsers; null when its date is unreadable. */
export function mapActiveDay(d: EnterpriseDailyUsers): DailyActiveRow | null {
  const day = normalizeDay(d.the_date);
  return day ? { day, activeUsers: Math.round(d.active_users) } : null;
}

/** AnalyticsUsage_usage (groupInterval DAY) -> bj_daily_usage meeting columns; `Date` read in `tz`. */
export function mapUsageDay(u: AnalyticsUsageDay, tz: string): DailyMeetingUsageRow {
  return {
    day: dayOf(u.Date, tz),
    numMeetings: intOrNull(u.numMeetings),
    numEndpoints: intOrNull(u.numEndpoints),
    endpointMinutes: intOrNull(u.endpointMinutes),
  };
}

/** AnalyticsTopUsers_usage -> the user's last activity. */
export function mapTopUser(u: AnalyticsTopUser): UserActivityRow {
  return { userId: u.userId, lastActiveAt: intOrNull(u.lastMeetingTime) };
}
