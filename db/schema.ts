/**
 * The whole Seatwise domain in one drizzle schema.
 *
 * Conventions: ids are text (ULID-like, sortable), times are epoch milliseconds in
 * integer columns, vendor records are keyed by (connection_id, vendor id) so every
 * sync write is an idempotent upsert. Nothing here holds a secret in plain text:
 * columns named `sealed_*` carry jose JWE compact strings.
 */
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  type SQLiteColumn,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

const now = sql`(unixepoch('subsec') * 1000)`;

/** One tenant. Local mode has exactly one (id and slug `local`). */
export const organizations = sqliteTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    /** URL-safe, unique: how embed tokens, the CLI and the organization switcher name it. */
    slug: text('slug').notNull().default(''),
    name: text('name').notNull(),
    /** Days without activity after which a seat counts as inactive (Torii/Zylo-style threshold). */
    inactiveAfterDays: integer('inactive_after_days').notNull().default(30),
    /** JSON settings (src/orgs/settings.ts), e.g. the origins allowed to frame its embedded card. */
    settings: text('settings').notNull().default('{}'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('organizations_slug').on(t.slug)],
);

export const MEMBER_ROLES = ['admin', 'viewer'] as const;

/** A person (by the email Cloudflare Access signs) with a role in one organization. */
export const orgMembers = sqliteTable(
  'org_members',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Lower-cased. */
    email: text('email').notNull(),
    role: text('role', { enum: MEMBER_ROLES }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.email] }), index('org_members_email').on(t.email)],
);

export const CONNECTION_STATES = [
  'disconnected',
  'connected',
  'syncing',
  'sync_error',
  'needs_reauth',
  'paused',
] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export const AUTH_METHODS = ['client_credentials', 'oauth', 'password', 'access_token'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** A vendor account linked to an organization; one row per (org, vendor), kept across reconnects. */
export const connections = sqliteTable(
  'connections',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    vendor: text('vendor').notNull(),
    state: text('state', { enum: CONNECTION_STATES }).notNull().default('disconnected'),
    authMethod: text('auth_method', { enum: AUTH_METHODS }),
    /** JWE of the credentials (App Secret, password, refresh token...). Null when disconnected. */
    sealedCredentials: text('sealed_credentials'),
    /** Non-secret settings shown again on Reconnect (e.g. the App Key, a username), JSON. */
    publicConfig: text('public_config').notNull().default('{}'),
    enterpriseId: text('enterprise_id'),
    enterpriseName: text('enterprise_name'),
    lastError: text('last_error'),
    lastErrorAt: integer('last_error_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    nextSyncAt: integer('next_sync_at'),
    lastSyncStartedAt: integer('last_sync_started_at'),
    lastSyncedAt: integer('last_synced_at'),
    /** Newest moment the synced data is known to be complete up to. */
    dataAsOf: integer('data_as_of'),
    connectedAt: integer('connected_at'),
    /** Bumped on every change so concurrent writers can detect lost updates. */
    version: integer('version').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('connections_org_vendor').on(t.orgId, t.vendor),
    index('connections_due').on(t.state, t.nextSyncAt),
  ],
);

/** Cached access tokens, sealed, with their expiry; separate from credentials so minting never rewrites them. */
export const connectionTokens = sqliteTable('connection_tokens', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  sealedToken: text('sealed_token').notNull(),
  expiresAt: integer('expires_at').notNull(),
  updatedAt: integer('updated_at').notNull().default(now),
});

/**
 * Each connection's data key (envelope encryption, src/lib/envelope.ts), wrapped by the key ring. Every
 * secret of the connection (credentials, cached tokens) is sealed under it; Disconnect deletes the row,
 * which leaves every copy of those secrets' ciphertext unreadable, even with the key ring.
 */
export const connectionKeys = sqliteTable('connection_keys', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  keyId: text('key_id').notNull(),
  wrappedKey: text('wrapped_key').notNull(),
  createdAt: integer('created_at').notNull().default(now),
  /** When `npm run keys:rotate` last re-wrapped it under a newer ring key. */
  rewrappedAt: integer('rewrapped_at'),
});

/** Expiring mutual-exclusion rows: `sync:<connectionId>`, `token:<connectionId>`. */
export const leases = sqliteTable('leases', {
  key: text('key').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/**
 * Fixed-window attempt counters (src/lib/rate-limit.ts), e.g. `verify:<orgId>:<client address>`.
 * One row per key; `expires_at` is when the window ends, so cron firings can sweep old rows.
 */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** Single-use OAuth `state` values (also signed); a row is consumed on callback. */
export const oauthStates = sqliteTable('oauth_states', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  connectionId: text('connection_id'),
  redirectUri: text('redirect_uri').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
  createdAt: integer('created_at').notNull().default(now),
});

export const SYNC_RUN_STATUSES = ['running', 'succeeded', 'failed', 'partial'] as const;

/** One sync of one connection, possibly spanning many slices. */
export const syncRuns = sqliteTable(
  'sync_runs',
  {
    id: text('id').primaryKey(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    trigger: text('trigger', {
      enum: ['cron', 'manual', 'queue', 'cli', 'first', 'first_connect', 'continuation'],
    }).notNull(),
    status: text('status', { enum: SYNC_RUN_STATUSES }).notNull().default('running'),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    slices: integer('slices').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    /** JSON: per stream {fetched, upserted, skipped}. */
    stats: text('stats').notNull().default('{}'),
    error: text('error'),
  },
  (t) => [index('sync_runs_connection_started').on(t.connectionId, t.startedAt)],
);

/** Resumable position per (connection, stream), written in the same batch as the rows it covers. */
export const syncCheckpoints = sqliteTable(
  'sync_checkpoints',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    runId: text('run_id'),
    /** JSON cursor owned by the stream (page, window, offset...). */
    cursor: text('cursor').notNull(),
    /** High-water mark for incremental streams (epoch ms). */
    highWater: integer('high_water'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.stream] })],
);

/** Licensed BlueJeans users; never deleted, marked removed when a full listing no longer has them. */
export const bjUsers = sqliteTable(
  'bj_users',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    username: text('username').notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    email: text('email'),
    isEnterpriseAdmin: integer('is_enterprise_admin', { mode: 'boolean' }).notNull().default(false),
    enterpriseJoinDate: integer('enterprise_join_date'),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastListedAt: integer('last_listed_at').notNull(),
    removedAt: integer('removed_at'),
    /** Denormalized from meetings/history so the usage table can sort without a join. */
    lastActiveAt: integer('last_active_at'),
    /** Set when Seatwise removed the user through removeUser (a reclaim job), with who approved it. */
    reclaimedAt: integer('reclaimed_at'),
    reclaimedBy: text('reclaimed_by'),
    reclaimJobId: text('reclaim_job_id'),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.userId] }),
    index('bj_users_email').on(t.connectionId, t.email),
    index('bj_users_last_active').on(t.connectionId, t.lastActiveAt),
    index('bj_users_username').on(t.connectionId, t.username),
  ],
);

/** Command Center meetings with their feature flags; upsert by meeting UUID. */
export const bjMeetings = sqliteTable(
  'bj_meetings',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    meetingUuid: text('meeting_uuid').notNull(),
    meetingId: text('meeting_id'),
    hostUserName: text('host_user_name'),
    hostEmail: text('host_email'),
    title: text('title'),
    startTime: integer('start_time').notNull(),
    endTime: integer('end_time'),
    totalCallSeconds: integer('total_call_seconds').notNull().default(0),
    endpointsCount: integer('endpoints_count').notNull().default(0),
    concurrentEndpoints: integer('concurrent_endpoints').notNull().default(0),
    inviteeCount: integer('invitee_count').notNull().default(0),
    recording: integer('recording', { mode: 'boolean' }).notNull().default(false),
    liveRecording: integer('live_recording', { mode: 'boolean' }).notNull().default(false),
    contentShare: integer('content_share', { mode: 'boolean' }).notNull().default(false),
    videoShare: integer('video_share', { mode: 'boolean' }).notNull().default(false),
    largeMeeting: integer('large_meeting', { mode: 'boolean' }).notNull().default(false),
    personal: integer('personal', { mode: 'boolean' }).notNull().default(false),
    moderatorLess: integer('moderator_less', { mode: 'boolean' }).notNull().default(false),
    pstn: integer('pstn', { mode: 'boolean' }).notNull().default(false),
    scheduledFrom: text('scheduled_from'),
    syncedAt: integer('synced_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.meetingUuid] }),
    index('bj_meetings_host_start').on(t.connectionId, t.hostEmail, t.startTime),
    index('bj_meetings_start').on(t.connectionId, t.startTime),
  ],
);

/** Meeting history: minutes and PSTN per meeting. */
export const bjMeetingHistory = sqliteTable(
  'bj_meeting_history',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    meetingGuid: text('meeting_guid').notNull(),
    meetingUuid: text('meeting_uuid'),
    leaderUserId: text('leader_user_id'),
    leaderEmail: text('leader_email'),
    startTime: integer('start_time').notNull(),
    durationMinutes: integer('duration_minutes').notNull().default(0),
    maxParticipants: integer('max_participants').notNull().default(0),
    totalParticipantMinutes: integer('total_participant_minutes').notNull().default(0),
    dialoutMinutes: integer('dialout_minutes').notNull().default(0),
    tollFreeMinutes: integer('toll_free_minutes').notNull().default(0),
    didMinutes: integer('did_minutes').notNull().default(0),
    pstnOnly: integer('pstn_only', { mode: 'boolean' }).notNull().default(false),
    syncedAt: integer('synced_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.meetingGuid] }),
    index('bj_history_leader_start').on(t.connectionId, t.leaderEmail, t.startTime),
    // Rollup upkeep (a leader's meetings of one day) and last activity look leaders up by id too.
    index('bj_history_leader_id_start').on(t.connectionId, t.leaderUserId, t.startTime),
  ],
);

/** Who attended what, for participant-level activity (a licensed user who only joins still uses a seat). */
export const bjParticipants = sqliteTable(
  'bj_participants',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    meetingGuid: text('meeting_guid').notNull(),
    /** userId when known, else email, else a positional key; stable across re-syncs. */
    participantKey: text('participant_key').notNull(),
    userId: text('user_id'),
    email: text('email'),
    minutes: integer('minutes').notNull().default(0),
    deviceType: text('device_type'),
    joinTime: integer('join_time'),
    disconnectTime: integer('disconnect_time'),
    isModerator: integer('is_moderator', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.meetingGuid, t.participantKey] }),
    // Participants named by user id are found by it; only those without one (guests, or BlueJeans gave
    // none) are looked up by e-mail, so that index holds just them: a full e-mail index was the costliest
    // of the table's B-trees to keep up in a first sync (docs/BENCHMARKS.md, usage at scale).
    index('bj_participants_guest_join').on(t.connectionId, t.email, t.joinTime).where(sql`user_id IS NULL`),
    index('bj_participants_user_join').on(t.connectionId, t.userId, t.joinTime),
  ],
);

/** Daily enterprise analytics (v2): active users and meeting usage per day. */
export const bjDailyUsage = sqliteTable(
  'bj_daily_usage',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    /** YYYY-MM-DD in the enterprise's reporting timezone. */
    day: text('day').notNull(),
    activeUsers: integer('active_users'),
    numMeetings: integer('num_meetings'),
    numEndpoints: integer('num_endpoints'),
    endpointMinutes: integer('endpoint_minutes'),
    syncedAt: integer('synced_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.day] })],
);

/**
 * Rollups: activity per connection, subject and UTC day, summed from the raw rows above. Triggers on the
 * raw tables keep them inside the statements that write those rows (db/queries/rollups.ts, migration
 * 0012_rollup_triggers), so a replayed, overlapping or resumed page leaves what a from-scratch sync
 * would. A subject is who the raw rows name: `kind` `u` with a BlueJeans user id, or `e` with an
 * e-mail as stored (the connector lower-cases them; hosts are named by e-mail, leaders and participants
 * by user id when BlueJeans gave one). A licensed user's figures are the sum of their two subjects
 * (user id, lower-cased e-mail), so nobody is counted twice.
 */
export const usageDaily = sqliteTable(
  'usage_daily',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['u', 'e'] }).notNull(),
    subject: text('subject').notNull(),
    /** UTC day number: floor(epoch ms / 86,400,000). */
    day: integer('day').notNull(),
    /** How many raw rows add up to this one: the row goes when the last of them leaves its key. */
    sourceRows: integer('source_rows').notNull().default(0),
    meetingsHosted: integer('meetings_hosted').notNull().default(0),
    /** Minutes of the meetings the subject led (meeting history). */
    hostedMinutes: integer('hosted_minutes').notNull().default(0),
    meetingsAttended: integer('meetings_attended').notNull().default(0),
    participantMinutes: integer('participant_minutes').notNull().default(0),
    /** Dial-out, toll-free and DID minutes of the meetings the subject led (meeting history). */
    pstnMinutes: integer('pstn_minutes').notNull().default(0),
    /** Hosted meetings using each feature. */
    fRecording: integer('f_recording').notNull().default(0),
    fContentShare: integer('f_content_share').notNull().default(0),
    fVideoShare: integer('f_video_share').notNull().default(0),
    fPstn: integer('f_pstn').notNull().default(0),
    fLargeMeeting: integer('f_large_meeting').notNull().default(0),
    fPersonal: integer('f_personal').notNull().default(0),
    /** Latest hosted meeting start or join time that day. */
    lastAt: integer('last_at'),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.kind, t.subject, t.day] })],
);

/**
 * Rollup keys a batch touched, when the sync recomputed touched keys (migrations 0002 to 0011). Unused since
 * the triggers of 0012 keep the rollup; kept because migrations only add.
 */
export const usageDirty = sqliteTable(
  'usage_dirty',
  {
    connectionId: text('connection_id').notNull(),
    kind: text('kind', { enum: ['u', 'e'] }).notNull(),
    subject: text('subject').notNull(),
    day: integer('day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.kind, t.subject, t.day] })],
);

/** Recomputed rollup rows of the keys in `usage_dirty` (unused since 0012 too, kept for the same reason). */
export const usageRecomputed = sqliteTable(
  'usage_recomputed',
  {
    connectionId: text('connection_id').notNull(),
    kind: text('kind', { enum: ['u', 'e'] }).notNull(),
    subject: text('subject').notNull(),
    day: integer('day').notNull(),
    meetingsHosted: integer('meetings_hosted').notNull().default(0),
    hostedMinutes: integer('hosted_minutes').notNull().default(0),
    meetingsAttended: integer('meetings_attended').notNull().default(0),
    participantMinutes: integer('participant_minutes').notNull().default(0),
    pstnMinutes: integer('pstn_minutes').notNull().default(0),
    fRecording: integer('f_recording').notNull().default(0),
    fContentShare: integer('f_content_share').notNull().default(0),
    fVideoShare: integer('f_video_share').notNull().default(0),
    fPstn: integer('f_pstn').notNull().default(0),
    fLargeMeeting: integer('f_large_meeting').notNull().default(0),
    fPersonal: integer('f_personal').notNull().default(0),
    lastAt: integer('last_at'),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.kind, t.subject, t.day] })],
);

/**
 * Per connection: the data version usage pages build their ETag from, bumped in the batch that changes
 * what they show (synced rows, a setting), and which period `usage_period` was built for.
 */
export const usageState = sqliteTable('usage_state', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  dataVersion: integer('data_version').notNull().default(0),
  /** Rows changed so far in the running batch (always 0 between batches). */
  pending: integer('pending').notNull().default(0),
  periodDays: integer('period_days'),
  /** Last UTC day number of the built period. */
  periodToDay: integer('period_to_day'),
  periodVersion: integer('period_version'),
  /** What else the built `usage_period` rows were decided on (first day, exemptions, connecting user). */
  summaryKey: text('summary_key'),
  /**
   * The grace window's start the recommendations were decided at, and the span of starts that decide
   * the same (no join time of a user who could be `new` lies in `[grace_lo, grace_hi)` but the ends).
   */
  graceFrom: integer('grace_from'),
  graceLo: integer('grace_lo'),
  graceHi: integer('grace_hi'),
  /** JSON `[[status, recommendation, feature mask, users], ...]` over the built rows (tiles and totals). */
  summaryCounts: text('summary_counts'),
  /** When the `usage_period` rows were built (ms): while a sync runs they serve until this is a while ago. */
  summaryBuiltAt: integer('summary_built_at'),
});

/**
 * The ORDER BY keys of each sort of the usage table over `usage_period` (ties broken by user id
 * ascending); queries (db/queries/usage.ts) spell them exactly like this so the indexes serve them.
 */
export const PERIOD_SORT_KEYS = {
  name: ['name COLLATE NOCASE'],
  email: ['email COLLATE NOCASE'],
  // Ascending puts the seats that need attention first.
  status: ["CASE status WHEN 'never' THEN 0 WHEN 'inactive' THEN 1 WHEN 'active' THEN 2 ELSE 3 END"],
  recommendation: [
    "CASE rec WHEN 'reclaim' THEN 0 WHEN 'attendee_only' THEN 1 WHEN 'new' THEN 2 WHEN 'keep' THEN 3 WHEN 'exempt' THEN 4 ELSE 5 END",
  ],
  last_active: ['last_active_at'],
  meetings: ['meetings_hosted', 'meetings_attended'],
  attended: ['meetings_attended'],
  minutes: ['participant_minutes'],
  // Meetings that used any feature, summed over the features.
  features: ['(f_recording + f_content_share + f_video_share + f_pstn + f_large_meeting + f_personal)'],
} as const satisfies Record<string, readonly string[]>;

/**
 * One row per licensed user: the period's totals summed from `usage_daily`, and what the usage table shows
 * of them (status, recommendation), rebuilt per data version, period and settings (db/queries/usage-summary.ts).
 */
export const usagePeriod = sqliteTable(
  'usage_period',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    meetingsHosted: integer('meetings_hosted').notNull().default(0),
    meetingsAttended: integer('meetings_attended').notNull().default(0),
    participantMinutes: integer('participant_minutes').notNull().default(0),
    fRecording: integer('f_recording').notNull().default(0),
    fContentShare: integer('f_content_share').notNull().default(0),
    fVideoShare: integer('f_video_share').notNull().default(0),
    fPstn: integer('f_pstn').notNull().default(0),
    fLargeMeeting: integer('f_large_meeting').notNull().default(0),
    fPersonal: integer('f_personal').notNull().default(0),
    lastAt: integer('last_at'),
    // What a usage page shows of the user, decided once per build (db/queries/summary.ts), so a page is
    // an index walk over this table and never a computation over every user.
    username: text('username'),
    /** Display name: first and last name, else the username. */
    name: text('name'),
    email: text('email'),
    isAdmin: integer('is_admin').notNull().default(0),
    joinedAt: integer('joined_at'),
    removedAt: integer('removed_at'),
    reclaimedAt: integer('reclaimed_at'),
    reclaimedBy: text('reclaimed_by'),
    /** Newest of the synced last activity and the period's rollups. */
    lastActiveAt: integer('last_active_at'),
    status: text('status').notNull().default('never'),
    /** The recommendation before the grace rule (`new`) applies; `rec` is the one shown. */
    recBase: text('rec_base'),
    rec: text('rec'),
    /** Lower-cased name, e-mail and username, one a line: what the search box matches. */
    search: text('search'),
    /** Bit i set when the user used FEATURES[i] (src/usage/activity.ts) in the period. */
    mask: integer('mask').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.userId] }),
    ...periodSortIndexes(t),
    index('usage_period_joined').on(t.connectionId, t.joinedAt),
    // Every index ends with the filter columns, so walks test filters on index entries alone and read
    // a user's row only when it is on the page.
    index('usage_period_rec').on(t.connectionId, t.rec, t.status, t.mask),
    // Search reads only this index (the matches' rows only when they are few: see db/queries/usage.ts).
    index('usage_period_search').on(t.connectionId, t.search, t.status, t.rec, t.mask),
    // Users of each feature: small, for pages filtered on a feature few use.
    ...FEATURE_BITS.map((bit, i) =>
      index(`usage_period_f${i}`)
        .on(t.connectionId)
        .where(sql`(${t.mask} & ${sql.raw(String(bit))}) <> 0`),
    ),
  ],
);

/** The six feature bits of `usage_period.mask` (one per FEATURES entry, in order). */
const FEATURE_BITS = [1, 2, 4, 8, 16, 32] as const;

/**
 * One index per sort of the usage table and direction (ties broken by user id ascending either way), and
 * the same under a status filter, so every page is an index walk (db/queries/usage.ts, SORT_EXPR).
 */
function periodSortIndexes(t: {
  connectionId: SQLiteColumn;
  status: SQLiteColumn;
  rec: SQLiteColumn;
  mask: SQLiteColumn;
  userId: SQLiteColumn;
}) {
  return Object.entries(PERIOD_SORT_KEYS).flatMap(([name, keys]) =>
    (['asc', 'desc'] as const).flatMap((dir) => {
      const on = keys.map((k) => sql.raw(`${k} ${dir.toUpperCase()}`));
      return [
        index(`usage_period_${name}_${dir}`).on(t.connectionId, ...on, t.userId, t.status, t.rec, t.mask),
        index(`usage_period_status_${name}_${dir}`).on(
          t.connectionId,
          t.status,
          ...on,
          t.userId,
          t.rec,
          t.mask,
        ),
      ];
    }),
  );
}

/** Who did what, when. `detail` is JSON and never holds a secret. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orgId: text('org_id').notNull(),
    connectionId: text('connection_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    detail: text('detail').notNull().default('{}'),
    at: integer('at').notNull(),
  },
  (t) => [index('audit_org_at').on(t.orgId, t.at), index('audit_connection_at').on(t.connectionId, t.at)],
);

/** Invite-your-admin links: only a hash of the token is stored. */
export const invites = sqliteTable(
  'invites',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('invites_token_hash').on(t.tokenHash), index('invites_org').on(t.orgId, t.createdAt)],
);

/** Last firing per cron expression, so /health can show that crons really run. */
export const cronHeartbeats = sqliteTable('cron_heartbeats', {
  cron: text('cron').primaryKey(),
  lastRunAt: integer('last_run_at').notNull(),
  runs: integer('runs').notNull().default(0),
});

export const LICENCE_PLANS = ['named_host', 'active_host', 'concurrent', 'other'] as const;

/** Per-organization licence terms (price, plan, renewal) and whether Seatwise may remove users. */
export const licenceSettings = sqliteTable('licence_settings', {
  orgId: text('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  plan: text('plan', { enum: LICENCE_PLANS }).notNull().default('named_host'),
  /** Price per seat in minor units of `currency` (exact; never a float). Null until entered. */
  seatPriceMinor: integer('seat_price_minor'),
  billing: text('billing', { enum: ['monthly', 'annual'] })
    .notNull()
    .default('annual'),
  currency: text('currency').notNull().default('USD'),
  seatsPurchased: integer('seats_purchased'),
  /** YYYY-MM-DD */
  renewalDate: text('renewal_date'),
  graceDays: integer('grace_days').notNull().default(30),
  /** Percent added to peak use when sizing the renewal. */
  renewalBuffer: integer('renewal_buffer').notNull().default(10),
  /** JSON array of lower-cased e-mails and `@domain`s never recommended for reclaim. */
  exempt: text('exempt').notNull().default('[]'),
  /** The admin's opt-in to removing approved users through the API (reading stays the default). */
  allowRemoval: integer('allow_removal', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at').notNull().default(now),
  updatedBy: text('updated_by'),
});

export const RECLAIM_JOB_STATUSES = ['running', 'done', 'stopped', 'cancelled'] as const;
export type ReclaimJobStatus = (typeof RECLAIM_JOB_STATUSES)[number];

/** One approved reclaim: the users an admin selected, removed one by one in slices. */
export const reclaimJobs = sqliteTable(
  'reclaim_jobs',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    status: text('status', { enum: RECLAIM_JOB_STATUSES }).notNull().default('running'),
    approvedBy: text('approved_by').notNull(),
    /** Hash of the sorted selection: a double submit finds the job the first one started. */
    selectionHash: text('selection_hash').notNull(),
    total: integer('total').notNull(),
    /** Why the job stopped early (a 403 from BlueJeans: what to do), when it did. */
    stopReason: text('stop_reason'),
    slices: integer('slices').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    finishedAt: integer('finished_at'),
    /**
     * On a queue, the job runs as one chain of messages, each carrying the turn it is for: a message of
     * an older turn (a duplicate delivery, a chain the cron replaced) is dropped, so chains never pile up.
     */
    turn: integer('turn').notNull().default(0),
    /** When the current turn's message is due (null: unknown, e.g. before turns existed). */
    turnDueAt: integer('turn_due_at'),
  },
  (t) => [
    index('reclaim_jobs_connection_created').on(t.connectionId, t.createdAt),
    index('reclaim_jobs_selection').on(t.connectionId, t.selectionHash),
  ],
);

export const RECLAIM_ITEM_STATUSES = ['pending', 'removed', 'gone', 'refused', 'failed', 'skipped'] as const;
export type ReclaimItemStatus = (typeof RECLAIM_ITEM_STATUSES)[number];

/** One user of a reclaim job. `attemptedAt` is written before the removeUser call (crash-safe resume). */
export const reclaimItems = sqliteTable(
  'reclaim_items',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => reclaimJobs.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    userId: text('user_id').notNull(),
    email: text('email'),
    name: text('name').notNull(),
    status: text('status', { enum: RECLAIM_ITEM_STATUSES }).notNull().default('pending'),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    attemptedAt: integer('attempted_at'),
    doneAt: integer('done_at'),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.userId] }),
    index('reclaim_items_job_position').on(t.jobId, t.position),
  ],
);
export const WEBHOOK_FORMATS = ['standard', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * A webhook endpoint of an organization. The signing secret is sealed (bound to the organization and
 * this endpoint's id) and shown once, when the endpoint is added. An endpoint failing for a day is
 * disabled (`disabled_at`) until an admin re-enables it.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    url: text('url').notNull(),
    format: text('format', { enum: WEBHOOK_FORMATS }).notNull().default('standard'),
    /** JSON array of event types. */
    events: text('events').notNull().default('[]'),
    sealedSecret: text('sealed_secret').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Start of the current run of failed attempts (null after a success). */
    failingSince: integer('failing_since'),
    lastSuccessAt: integer('last_success_at'),
    disabledAt: integer('disabled_at'),
    disabledReason: text('disabled_reason'),
  },
  (t) => [index('webhook_endpoints_org').on(t.orgId, t.createdAt)],
);

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'abandoned'] as const;

/** One event to one endpoint: the outbox row the deliverer works from, retried until it succeeds or gives up. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    orgId: text('org_id').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The event's JSON (never holds a secret). */
    payload: text('payload').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    /** An attempt in flight holds the row until then (at-least-once queues may deliver a message twice). */
    claimedUntil: integer('claimed_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_endpoint').on(t.endpointId, t.createdAt),
  ],
);

/** Every attempt, for the endpoint's delivery log: when, which event, the status code or error, attempt number. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    orgId: text('org_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    eventType: text('event_type').notNull(),
    attempt: integer('attempt').notNull(),
    at: integer('at').notNull(),
    statusCode: integer('status_code'),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    /** At most 1 KB of the response body. */
    responseExcerpt: text('response_excerpt'),
  },
  (t) => [index('webhook_attempts_endpoint_at').on(t.endpointId, t.at)],
);

/** What the last `licences.reclaimable` event said per organization, so the next one is sent only on a change. */
export const webhookWatermarks = sqliteTable('webhook_watermarks', {
  orgId: text('org_id').primaryKey(),
  reclaimableCount: integer('reclaimable_count').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
