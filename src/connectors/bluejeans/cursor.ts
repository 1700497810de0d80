/**
 * Stream cursors and their checkpoint text. A cursor names the next page to fetch, including the range
 * the walk was started for, so a resumed walk covers exactly what the interrupted one would have.
 *
 * Encoding is JSON tagged with the stream name and a version; decoding validates everything and throws
 * `CursorError` on anything else (a checkpoint of another stream, a hand-edited row, an old version), so
 * the sync can restart that stream instead of walking from a nonsense position.
 */
import { z } from '../../lib/zlite';
import type { CursorCodec } from '../types';
import { daysBetween, isDay } from './windows';

export class CursorError extends Error {
  override readonly name = 'CursorError';
}

/** users: the 1-based page to fetch next. */
export interface UsersCursor {
  page: number;
}

/**
 * Command Center meetings: the walk's range, the current window's start and the page inside it.
 * `page` is what the spec calls `offset` ("offset: Page Number"), counted from 0.
 */
export interface MeetingsCursor {
  from: number;
  to: number;
  windowStart: number;
  page: number;
}

/** Meeting history: inclusive day range, current window's first day, 1-based page inside it. */
export interface HistoryCursor {
  start: string;
  end: string;
  windowStart: string;
  page: number;
}

/** Daily analytics (one request per day window). */
export interface AnalyticsCursor {
  start: string;
  end: string;
  windowStart: string;
}

const epoch = z.number().int().min(0).max(8.64e15);
const day = z.string().refine(isDay, 'not a day');

const schemas = {
  users: z.strictObject({ page: z.number().int().min(1) }),
  meetings: z
    .strictObject({ from: epoch, to: epoch, windowStart: epoch, page: z.number().int().min(0) })
    .refine((c) => c.from <= c.windowStart && c.windowStart < c.to, 'window outside range'),
  history: z
    .strictObject({ start: day, end: day, windowStart: day, page: z.number().int().min(1) })
    .refine(
      (c) => daysBetween(c.start, c.windowStart) >= 0 && daysBetween(c.windowStart, c.end) >= 0,
      'window outside range',
    ),
  analytics: z
    .strictObject({ start: day, end: day, windowStart: day })
    .refine(
      (c) => daysBetween(c.start, c.windowStart) >= 0 && daysBetween(c.windowStart, c.end) >= 0,
      'window outside range',
    ),
};

type Kind = keyof typeof schemas;

function codec<C extends object>(stream: string, kind: Kind): CursorCodec<C> {
  const schema = schemas[kind] as unknown as z.ZodType<C>;
  return {
    encode(cursor) {
      const checked = schema.safeParse(cursor);
      if (!checked.success) throw new CursorError(`invalid ${stream} cursor`);
      return JSON.stringify({ s: stream, v: 1, c: checked.data });
    },
    decode(text) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        throw new CursorError(`${stream} cursor is not JSON`);
      }
      const envelope = z
        .strictObject({ s: z.literal(stream), v: z.literal(1), c: z.unknown() })
        .safeParse(raw);
      if (!envelope.success) throw new CursorError(`not a ${stream} cursor (v1)`);
      const parsed = schema.safeParse(envelope.data.c);
      if (!parsed.success) throw new CursorError(`invalid ${stream} cursor`);
      return parsed.data;
    },
  };
}

/** Codecs per stream name (the stream name is part of the encoding). */
export const cursorCodecs = {
  users: codec<UsersCursor>('users', 'users'),
  meetings: codec<MeetingsCursor>('meetings', 'meetings'),
  meetingHistory: codec<HistoryCursor>('meeting_history', 'history'),
  activeUsers: codec<AnalyticsCursor>('active_users', 'analytics'),
  meetingUsage: codec<AnalyticsCursor>('meeting_usage', 'analytics'),
  topUsers: codec<AnalyticsCursor>('top_users', 'analytics'),
};
