/**
 * zod schemas for every BlueJeans response the connector reads, named after the spec's `definitions`
 * (swagger.yaml). Only the fields Seatwise uses are declared; zod's default object mode drops the rest,
 * so new vendor fields never break a sync.
 *
 * Two levels, on purpose:
 * - envelopes (the response's outer shape) must parse, or the whole body is "nonsense" (a transient error);
 * - records inside a list are parsed one by one, so one bad record is skipped and counted, not fatal.
 * Optional fields `.catch(undefined)`: a wrong type in a field Seatwise can live without is dropped, not
 * a reason to skip the record.
 */
import { z } from '../../lib/zlite';

/** Ids arrive as integers in the spec, sometimes as strings in the wild; Seatwise keeps them as text. */
const id = z.union([z.number().int(), z.string().regex(/^\S+$/)]).transform(String);
const optId = id.nullish().catch(undefined);
const optString = z.string().nullish().catch(undefined);
const optNumber = z.number().finite().nullish().catch(undefined);
const optBool = z.boolean().nullish().catch(undefined);

/** definitions/Error: `{message}`; `{code, message}` was seen too. */
export const ErrorBody = z.object({
  message: optString,
  code: z.union([z.string(), z.number()]).nullish().catch(undefined),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** definitions/GrantClient (+ GrantClient_scope): an application token; `scope.enterprise` names the enterprise. */
export const GrantClient = z.object({
  access_token: z.string().min(1),
  expires_in: optNumber,
  scope: z.object({ enterprise: optId }).nullish().catch(undefined),
});

/** definitions/GrantPassword (+ GrantPassword_scope): a user token; `scope.user` names the user. */
export const GrantPassword = z.object({
  access_token: z.string().min(1),
  expires_in: optNumber,
  refresh_token: optString,
  scope: z.object({ user: optId, enterprise: optId }).nullish().catch(undefined),
});

/** definitions/GrantCode and GrantRefresh: 3-legged tokens with a refresh token. */
export const GrantCode = z.object({
  access_token: z.string().min(1),
  refresh_token: optString,
  expires_in: optNumber,
  scope: z
    .object({ user: optId, enterprise: optId, bearerPermissions: optString })
    .nullish()
    .catch(undefined),
});
export const GrantRefresh = GrantCode;

/**
 * definitions/inline_response_200 (getTokenInfo): the spec only promises `user`. Expiry fields are read
 * when present, in any of the spellings BlueJeans used, so a pasted token's end can be shown.
 */
export const TokenInfo = z.object({
  user: optId,
  enterprise: optId,
  expires_in: optNumber,
  expiresIn: optNumber,
  expires_at: optNumber,
  expiresAt: optNumber,
  scope: z.object({ user: optId, enterprise: optId }).nullish().catch(undefined),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** definitions/Enterprise (getEnterpriseProfile). */
export const EnterpriseProfile = z.object({
  id: optId,
  enterprise: optId,
  enterpriseAdmin: optBool,
  expiryDate: optNumber,
});

/** definitions/User (getUser): only what labels an account. */
export const UserProfile = z.object({
  id: optId,
  username: optString,
  emailId: optString,
  firstName: optString,
  lastName: optString,
});

/** definitions/EnterpriseUserSearch: `{count?, user: [...]}`; records parsed separately. */
export const EnterpriseUserSearch = z.object({
  count: optNumber,
  user: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
});

/** definitions/EnterpriseUserInfoComp: a licensed user. */
export const EnterpriseUserInfo = z.object({
  id,
  username: z.string().min(1),
  email: optString,
  firstName: optString,
  middleName: optString,
  lastName: optString,
  enterpriseJoinDate: optNumber,
  isEnterpriseAdmin: optBool,
});
export type EnterpriseUserInfo = z.infer<typeof EnterpriseUserInfo>;

/** definitions/MeetingIndigoList (getMeetingsPastByEnterprise). `count` appears when asked for. */
export const MeetingIndigoList = z.object({
  count: optNumber,
  meetings: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
});

/** definitions/MeetingIndigo: a Command Center meeting with its feature flags. */
export const MeetingIndigo = z
  .object({
    meetingUUID: optString,
    /** "Same as the meetingUUID property" per the spec; used when meetingUUID is missing. */
    id: optString,
    meetingId: optString,
    userName: optString,
    email: optString,
    title: optString,
    scheduledFrom: optString,
    inviteeCount: optNumber,
    personal: optBool,
    moderatorLess: optBool,
    startTime: z.number().finite(),
    endTime: optNumber,
    totalCallSeconds: optNumber,
    endpointsCount: optNumber,
    concurrentEndpoints: optNumber,
    meetingRecording: optBool,
    videoShare: optBool,
    contentShare: optBool,
    liveRecording: optBool,
    largeMeeting: optBool,
    enterpriseName: optString,
  })
  .refine((m) => Boolean(m.meetingUUID || m.id), { message: 'meetingUUID missing' });
export type MeetingIndigo = z.infer<typeof MeetingIndigo>;

/** definitions/MeetingHistory_participantList. */
export const HistoryParticipant = z.object({
  userId: optId,
  email: optString,
  minutes: optNumber,
  deviceType: optString,
  joinTime: optNumber,
  disconnectTime: optNumber,
  isModerator: optBool,
  participantGuid: optString,
  endpointName: optString,
});
export type HistoryParticipant = z.infer<typeof HistoryParticipant>;

/** listHistoryByEnterprise returns a bare array of definitions/MeetingHistory. */
export const MeetingHistoryList = z.array(z.unknown());

/** definitions/MeetingHistory: minutes, PSTN and participants of one meeting. */
export const MeetingHistory = z.object({
  meetingGuid: z.string().min(1),
  meetingNumericId: optString,
  /** Not in the spec; read when a server links history to the Command Center UUID. */
  meetingUUID: optString,
  title: optString,
  userId: optId,
  leaderInfo: z
    .object({
      leaderId: optId,
      userName: optString,
      email: optString,
      firstName: optString,
      lastName: optString,
    })
    .nullish()
    .catch(undefined),
  meetingDuration: optNumber,
  maxParticipantCount: optNumber,
  totalParticipantMinutes: optNumber,
  totalDialoutMinutes: optNumber,
  totalTollFreeMinutes: optNumber,
  callDIDMinutes: optNumber,
  isdnEndpoints: optNumber,
  startTime: z.number().finite(),
  endTime: optNumber,
  pstnonly: optBool,
  participantList: z
    .array(z.unknown())
    .nullish()
    .catch(undefined)
    .transform((v) => v ?? []),
});
export type MeetingHistory = z.infer<typeof MeetingHistory>;

/** definitions/EnterpriseUsersActive (getEnterpriseUsersActive). */
export const EnterpriseUsersActive = z.object({
  active: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
});

/** definitions/EnterpriseDailyUsers. */
export const EnterpriseDailyUsers = z.object({
  the_date: z.string().min(1),
  active_users: z.number().finite(),
});
export type EnterpriseDailyUsers = z.infer<typeof EnterpriseDailyUsers>;

/** definitions/AnalyticsUsage (getMeetingUsageV2) and AnalyticsTopUsers (getTopUsersV2) share `usage`. */
export const AnalyticsUsageList = z.object({
  usage: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
});

/** definitions/AnalyticsUsage_usage: one day (groupInterval DAY); `Date` is epoch ms. */
export const AnalyticsUsageDay = z.object({
  Date: z.number().finite(),
  numMeetings: optNumber,
  numEndpoints: optNumber,
  endpointMinutes: optNumber,
});
export type AnalyticsUsageDay = z.infer<typeof AnalyticsUsageDay>;

/** definitions/AnalyticsTopUsers_usage. */
export const AnalyticsTopUser = z.object({
  userId: id,
  userName: optString,
  first_name: optString,
  last_name: optString,
  participantMinutes: optNumber,
  lastMeetingTime: optNumber,
});
export type AnalyticsTopUser = z.infer<typeof AnalyticsTopUser>;

/** Parses each item of a list on its own: good ones are kept, bad ones counted. */
export function parseEach<S extends z.ZodType>(
  schema: S,
  items: readonly unknown[],
): { ok: z.infer<S>[]; skipped: number } {
  const ok: z.infer<S>[] = [];
  let skipped = 0;
  for (const item of items) {
    const r = schema.safeParse(item);
    if (r.success) ok.push(r.data);
    else skipped += 1;
  }
  return { ok, skipped };
}
