/**
 * The streams of one run, in order, each with the statements its pages turn into. Users come first so a
 * user's row exists before the activity that refers to it; history follows meetings so its PSTN flag has
 * a meeting row to land on.
 */

import type { Db } from '../../db/client';
import type { BlueJeansSession } from '../connectors/bluejeans';
import type { Stream, TimeRange } from '../connectors/types';
import {
  activeDayStatements,
  historyStatements,
  markRemovedStatements,
  meetingStatements,
  type Statement,
  usageDayStatements,
  userStatements,
} from './writers';

/** What a page's writer knows besides its records. */
export interface WriteContext {
  db: Db;
  connectionId: string;
  now: number;
  /** The walk's high-water: range end for incremental streams, listing start for the full listing. */
  highWater: number;
}

export interface StreamSpec {
  name: string;
  mode: 'full' | 'incremental';
  // biome-ignore lint/suspicious/noExplicitAny: records and cursors differ per stream; each spec is typed where built
  open(session: BlueJeansSession, range: TimeRange): Stream<any, any>;
  /** Statements for one page's records, and how many rows they upsert. */
  write(ctx: WriteContext, records: readonly unknown[]): { statements: Statement[]; rows: number };
  /** Extra statements batched with the last page of a complete walk. */
  complete?(ctx: WriteContext): Statement[];
}

function spec<T>(s: {
  name: string;
  mode: 'full' | 'incremental';
  // biome-ignore lint/suspicious/noExplicitAny: the cursor type is the stream's own business
  open(session: BlueJeansSession, range: TimeRange): Stream<T, any>;
  write(ctx: WriteContext, records: readonly T[]): { statements: Statement[]; rows: number };
  complete?(ctx: WriteContext): Statement[];
}): StreamSpec {
  return s as StreamSpec;
}

export const STREAMS: readonly StreamSpec[] = [
  spec({
    name: 'users',
    mode: 'full',
    open: (s) => s.users(),
    write: (c, rows) => ({
      statements: userStatements(c.db, c.connectionId, rows, c.highWater),
      rows: rows.length,
    }),
    complete: (c) => markRemovedStatements(c.db, c.connectionId, c.highWater, c.now),
  }),
  spec({
    name: 'meetings',
    mode: 'incremental',
    open: (s, r) => s.meetings(r),
    write: (c, rows) => ({
      statements: meetingStatements(c.db, c.connectionId, rows, c.now),
      rows: rows.length,
    }),
  }),
  spec({
    name: 'meeting_history',
    mode: 'incremental',
    open: (s, r) => s.meetingHistory(r),
    write: (c, rows) => ({
      statements: historyStatements(c.db, c.connectionId, rows, c.now),
      rows: rows.reduce((n, r) => n + 1 + r.participants.length, 0),
    }),
  }),
  spec({
    name: 'active_users',
    mode: 'incremental',
    open: (s, r) => s.activeUsers(r),
    write: (c, rows) => ({
      statements: activeDayStatements(c.db, c.connectionId, rows, c.now),
      rows: rows.length,
    }),
  }),
  spec({
    name: 'meeting_usage',
    mode: 'incremental',
    open: (s, r) => s.meetingUsage(r),
    write: (c, rows) => ({
      statements: usageDayStatements(c.db, c.connectionId, rows, c.now),
      rows: rows.length,
    }),
  }),
];
