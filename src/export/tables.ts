/**
 * What the BlueJeans archive holds: one CSV per synced table, each with its columns and the key it is
 * read in order of (keyset paging, so every page costs the same however deep into the table it is).
 * Column names are the database's; times are ISO 8601 UTC, flags `yes`/`no`, empty cells are nulls.
 */
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import {
  auditLog,
  bjDailyUsage,
  bjMeetingHistory,
  bjMeetings,
  bjParticipants,
  bjUsers,
} from '../../db/schema';
import type { CustomerTable } from '../lib/scope';
import type { CsvValue } from '../usage/csv';

/** Epoch milliseconds as ISO 8601 UTC (what spreadsheets and people read), null as an empty cell. */
export const isoTime = (ms: number | null | undefined): string | null =>
  ms == null ? null : new Date(ms).toISOString();

/** How a stored value reads in the CSV. */
export type CellKind = 'value' | 'time' | 'flag';

export interface ArchiveTable {
  /** File name inside the zip. */
  file: string;
  /** A customer table: kept inside the organization by `ownedBy` (src/lib/scope.ts). */
  table: CustomerTable;
  /** Unique read order within the organization's connection (the rest of the primary key); every key is a column below. */
  key: SQLiteColumn[];
  columns: readonly (readonly [column: SQLiteColumn, kind: CellKind])[];
  /** The column whose moments make up the manifest's period (meetings, history, daily analytics). */
  period?: SQLiteColumn;
}

/** A raw stored value as a CSV cell. */
export function cell(value: unknown, kind: CellKind): CsvValue {
  if (value == null) return null;
  if (kind === 'time') return isoTime(Number(value));
  if (kind === 'flag') return Boolean(value);
  return value as CsvValue;
}

const v = (c: SQLiteColumn) => [c, 'value'] as const;
const t = (c: SQLiteColumn) => [c, 'time'] as const;
const f = (c: SQLiteColumn) => [c, 'flag'] as const;

const u = bjUsers;
const m = bjMeetings;
const h = bjMeetingHistory;
const p = bjParticipants;
const d = bjDailyUsage;
const a = auditLog;

/** Every file of the archive, in the order it is written. */
export const ARCHIVE_TABLES: readonly ArchiveTable[] = [
  {
    file: 'users.csv',
    table: u,
    key: [u.userId],
    columns: [
      v(u.userId),
      v(u.username),
      v(u.firstName),
      v(u.lastName),
      v(u.email),
      f(u.isEnterpriseAdmin),
      t(u.enterpriseJoinDate),
      t(u.firstSeenAt),
      t(u.lastListedAt),
      t(u.removedAt),
      t(u.lastActiveAt),
      t(u.reclaimedAt),
      v(u.reclaimedBy),
      v(u.reclaimJobId),
    ],
  },
  {
    file: 'meetings.csv',
    table: m,
    key: [m.meetingUuid],
    period: m.startTime,
    columns: [
      v(m.meetingUuid),
      v(m.meetingId),
      v(m.hostUserName),
      v(m.hostEmail),
      v(m.title),
      t(m.startTime),
      t(m.endTime),
      v(m.totalCallSeconds),
      v(m.endpointsCount),
      v(m.concurrentEndpoints),
      v(m.inviteeCount),
      f(m.recording),
      f(m.liveRecording),
      f(m.contentShare),
      f(m.videoShare),
      f(m.largeMeeting),
      f(m.personal),
      f(m.moderatorLess),
      f(m.pstn),
      v(m.scheduledFrom),
      t(m.syncedAt),
    ],
  },
  {
    file: 'meeting_history.csv',
    table: h,
    key: [h.meetingGuid],
    period: h.startTime,
    columns: [
      v(h.meetingGuid),
      v(h.meetingUuid),
      v(h.leaderUserId),
      v(h.leaderEmail),
      t(h.startTime),
      v(h.durationMinutes),
      v(h.maxParticipants),
      v(h.totalParticipantMinutes),
      v(h.dialoutMinutes),
      v(h.tollFreeMinutes),
      v(h.didMinutes),
      f(h.pstnOnly),
      t(h.syncedAt),
    ],
  },
  {
    file: 'participants.csv',
    table: p,
    key: [p.meetingGuid, p.participantKey],
    columns: [
      v(p.meetingGuid),
      v(p.participantKey),
      v(p.userId),
      v(p.email),
      v(p.minutes),
      v(p.deviceType),
      t(p.joinTime),
      t(p.disconnectTime),
      f(p.isModerator),
    ],
  },
  {
    file: 'daily_analytics.csv',
    table: d,
    key: [d.day],
    period: d.day,
    columns: [
      v(d.day),
      v(d.activeUsers),
      v(d.numMeetings),
      v(d.numEndpoints),
      v(d.endpointMinutes),
      t(d.syncedAt),
    ],
  },
  {
    file: 'activity_log.csv',
    table: a,
    key: [a.id],
    columns: [v(a.id), t(a.at), v(a.actor), v(a.action), v(a.connectionId), v(a.detail)],
  },
];
