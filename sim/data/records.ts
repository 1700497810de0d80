import { hash, rngFor, Salt } from '../lib/prng';
import type { MeetingFacts, Participant, ParticipantKind } from './meetings';
import { LOCATIONS } from './names';
import type { SimUser } from './users';

/**
 * Pure mappers from generated facts to the spec's response definitions. Field names follow
 * swagger.yaml exactly; optional fields are omitted rather than sent as null (Swagger 2 has no null).
 */

/** `EnterpriseUserInfoComp` fields, for `fields=` filtering. */
export const ENTERPRISE_USER_FIELDS = [
  'username',
  'firstName',
  'middleName',
  'lastName',
  'isEnterpriseAdmin',
  'enterpriseJoinDate',
  'email',
  'uri',
] as const;

/** #/definitions/EnterpriseUserInfoComp, restricted to `fields` when given (id is always present). */
export function toEnterpriseUser(u: SimUser, fields?: ReadonlySet<string>): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: u.id,
    username: u.username,
    firstName: u.firstName,
    ...(u.middleName ? { middleName: u.middleName } : {}),
    lastName: u.lastName,
    email: u.email,
    isEnterpriseAdmin: u.isEnterpriseAdmin,
    enterpriseJoinDate: u.joinedAt,
    uri: `/v1/user/${u.id}`,
  };
  if (!fields || fields.size === 0) return all;
  const out: Record<string, unknown> = { id: u.id };
  for (const f of ENTERPRISE_USER_FIELDS) if (fields.has(f) && all[f] !== undefined) out[f] = all[f];
  return out;
}

/** #/definitions/Enterprise (a user's enterprise profile). */
export function toEnterpriseProfile(u: SimUser, enterpriseId: number): Record<string, unknown> {
  return { id: u.id, enterprise: enterpriseId, enterpriseAdmin: u.isEnterpriseAdmin, joinDate: u.joinedAt };
}

/** #/definitions/User (getUser): a user's basic account details. */
export function toUserAccount(u: SimUser): Record<string, unknown> {
  return {
    id: u.id,
    username: u.username,
    firstName: u.firstName,
    ...(u.middleName ? { middleName: u.middleName } : {}),
    lastName: u.lastName,
    emailId: u.email,
    phone: u.phone,
    timezone: u.timezone,
    timeFormat: 12,
    language: 'en',
    defaultEndpoint: 'browser',
    passwordChangeRequired: false,
    optOutOffers: true,
  };
}

/** #/definitions/MeetingIndigo as the live listing shows a meeting in progress at `now`. */
export function toLiveMeetingIndigo(
  f: MeetingFacts,
  enterpriseName: string,
  now: number,
): Record<string, unknown> {
  const connected = f.attendees.filter((a) => a.joinTime <= now && a.leaveTime > now).length;
  return {
    ...toMeetingIndigo(f, enterpriseName),
    liveVisibleEndpointsCount: connected,
    liveRecording: f.recording,
    liveVideoShare: f.videoShare,
    liveContentShare: f.contentShare,
  };
}

/** #/definitions/MeetingIndigo (Command Center's past-meeting record). */
export function toMeetingIndigo(f: MeetingFacts, enterpriseName: string): Record<string, unknown> {
  return {
    meetingId: f.numericId,
    meetingUUID: f.uuid,
    userName: f.host.username,
    email: f.host.email,
    encryptionType: f.encryptionType,
    title: f.title,
    userFullName: `${f.host.firstName} ${f.host.lastName}`,
    phoneNumber: f.host.phone,
    userFeatures: f.host.featureGroups,
    scheduledFrom: 'WEB_APP',
    inviteeCount: f.inviteeCount,
    personal: f.personal,
    muteOnEntry: f.muteOnEntry,
    autoRecord: f.autoRecord,
    enterpriseName,
    moderatorLess: f.moderatorLess,
    startTime: f.startTime,
    endTime: f.endTime,
    // Seconds of every endpoint's connection, so it equals 60 x totalParticipantMinutes in history.
    totalCallSeconds: f.totalParticipantMinutes * 60,
    createTime: f.createTime,
    endpointsCount: f.attendees.length,
    concurrentEndpoints: f.maxConcurrent,
    liveVisibleEndpointsCount: 0,
    qualarooRating: f.qualarooRating,
    qualarooCount: f.qualarooCount,
    meetingRecording: f.recording,
    videoShare: f.videoShare,
    contentShare: f.contentShare,
    // Past meetings: nothing is live any more.
    liveRecording: false,
    liveVideoShare: false,
    liveContentShare: false,
    largeMeeting: f.large,
    roiDistance: f.roiDistance,
    mpls: false,
    id: f.uuid,
  };
}

/** #/definitions/MeetingExtendedIndigo: the meeting plus, on request, its endpoints. */
export function toMeetingExtendedIndigo(
  f: MeetingFacts,
  participants: readonly Participant[] | undefined,
  enterpriseName: string,
  seed: number,
): Record<string, unknown> {
  const base = toMeetingIndigo(f, enterpriseName);
  if (!participants) return base;
  return { ...base, endpoints: participants.map((p, k) => toEndpointIndigo(f, p, k, seed)) };
}

const ENDPOINT_LABEL: Record<ParticipantKind, { endpoint: string; vendor: string; version: string }> = {
  app: { endpoint: 'BlueJeans App', vendor: 'BlueJeans', version: '2.33.1' },
  browser: { endpoint: 'Browser', vendor: 'Google Chrome', version: '124.0' },
  room: { endpoint: 'Room System', vendor: 'Poly', version: '6.2.2' },
  'pstn-did': { endpoint: 'PSTN', vendor: 'Telephony', version: '1.0' },
  'pstn-tollfree': { endpoint: 'PSTN', vendor: 'Telephony', version: '1.0' },
  'pstn-dialout': { endpoint: 'PSTN', vendor: 'Telephony', version: '1.0' },
  isdn: { endpoint: 'ISDN', vendor: 'ISDN Gateway', version: '1.0' },
};

/** #/definitions/EndpointIndigo for participant `k` of a meeting. */
export function toEndpointIndigo(
  f: MeetingFacts,
  p: Participant,
  k: number,
  seed: number,
): Record<string, unknown> {
  const rng = rngFor(seed, Salt.participants, f.day, f.j, k + 1);
  const label = ENDPOINT_LABEL[p.kind];
  const location = LOCATIONS[p.locationIndex] ?? LOCATIONS[0];
  const audioOnly = p.kind.startsWith('pstn') || p.kind === 'isdn';
  const quality = Math.round((3 + rng.next() * 2) * 100) / 100;
  return {
    id: hash(seed, f.day, f.j, k) % 2_000_000_000,
    callguid: p.guid,
    name: p.name,
    endpoint: label.endpoint,
    vendor: label.vendor,
    version: label.version,
    uniqId: p.guid.replace(/-/g, '').slice(0, 16),
    remoteAddress: p.remoteAddress,
    leader: p.isModerator,
    secureCall: p.encrypted,
    natDetected: !audioOnly && rng.chance(0.6),
    proxy: false,
    roiDistance: Math.round(rng.next() * 50_000) / 100,
    mpls: false,
    videoShare: f.videoShare && k === 0,
    recording: f.recording && p.isModerator,
    creationTime: p.joinTime,
    meetingJoinTime: p.joinTime,
    meetingLeaveTime: p.leaveTime,
    ...(p.dialNumber ? { didNumber: p.dialNumber } : {}),
    location: {
      id: p.locationIndex + 1,
      countryCode: location.countryCode,
      countryName: location.countryName,
      latitude: location.latitude,
      longitude: location.longitude,
    },
    summaryStats: {
      audioRecvCodec: audioOnly ? 'G.711' : 'OPUS',
      audioSendCodec: audioOnly ? 'G.711' : 'OPUS',
      contentRecv: f.contentShare && !audioOnly,
      contentSend: f.contentShare && k === 0,
      talkDetected: rng.chance(0.8),
      callRate: audioOnly ? 64 : rng.pick([512, 1024, 1536, 2048]),
      callQuality_Min: Math.max(1, quality - 1),
      callQuality_Max: Math.min(5, quality + 0.5),
      callQuality_Avg: quality,
      cumulLoss_Percent_AI: Math.round(rng.next() * 200) / 100,
      cumulLoss_Percent_AO: Math.round(rng.next() * 200) / 100,
      jitter_Avg_AI: Math.round(rng.next() * 3000) / 100,
    },
    endpointAttributes1: { reIceCount: rng.int(0, 2), remoteConnectionCount: rng.int(1, 3) },
    mhtaskStopped: true,
  };
}

/** #/definitions/MeetingHistory: the same meeting as Command Center reports it, from the history side. */
export function toMeetingHistory(
  f: MeetingFacts,
  participants: readonly Participant[],
): Record<string, unknown> {
  const maxMinutes = f.attendees.reduce((m, p) => Math.max(m, p.minutes), 0);
  // Endpoints past the 100-seat standard capacity are billed as extra participant minutes.
  const extra = f.attendees.slice(100).reduce((s, p) => s + p.minutes, 0);
  return {
    meetingGuid: f.guid,
    meetingNumericId: f.numericId,
    title: f.title,
    description: f.personal ? '' : `${f.title} hosted by ${f.host.firstName} ${f.host.lastName}`,
    leaderInfo: {
      leaderId: f.host.id,
      firstName: f.host.firstName,
      lastName: f.host.lastName,
      userName: f.host.username,
      email: f.host.email,
    },
    userId: f.host.id,
    meetingDuration: f.durationMinutes,
    maxParticipantCount: f.maxConcurrent,
    totalParticipantMinutes: f.totalParticipantMinutes,
    maxParticipantMinutes: maxMinutes,
    extraParticipantMinutes: extra,
    isdnEndpoints: f.isdnEndpoints,
    totalDialoutMinutes: f.dialoutMinutes,
    totalTollFreeMinutes: f.tollFreeMinutes,
    callDIDMinutes: f.didMinutes,
    startTime: f.startTime,
    endTime: f.endTime,
    meetingStatus: 'Complete',
    startTimeZone: f.host.timezone,
    processingStatus: 'PROCESSED',
    concurrentCalls: String(f.maxConcurrent),
    uploadStatus: f.recording ? 'COMPLETED' : 'NONE',
    pstnonly: f.pstnOnly,
    participantList: participants.map((p) => ({
      endpointName: p.name,
      joinTime: p.joinTime,
      minutes: p.minutes,
      // The spec's enum knows only these two: browsers are WebRTC, everything else the Carmel stack.
      deviceType: p.kind === 'browser' ? 'WebRTC' : 'Carmel',
      ...(p.email ? { email: p.email } : {}),
      remoteAddress: p.remoteAddress,
      isEncrypted: p.encrypted,
      disconnectTime: p.leaveTime,
      isModerator: p.isModerator,
      ...(p.userId !== undefined ? { userId: p.userId } : {}),
      tags: p.kind,
      participantGuid: p.guid,
    })),
  };
}
