/**
 * Resumable paging per endpoint. Each stream is an async generator of pages; every page carries the cursor
 * of the page after it, and a listing ends on a short page (a missing `count` is fine: it is never needed).
 *
 * Windowed endpoints ask slightly more than their window on the edges (second-granular filters, inclusive
 * dates) and keep only records inside the window, so adjacent windows never both deliver a record.
 *
 * Budget: when the request budget runs out mid-walk, the stream throws `ConnectorError` kind `budget`
 * whose `cursor` is the page it could not fetch (see types.ts).
 */
import type { ConnectMethod, CursorCodec, Page, PageProgress, Stream, TimeRange } from '../types';
import { ConnectorError } from '../types';
import type { BlueJeansClient, CallAuth } from './client';
import type { BlueJeansConfig } from './config';
import {
  type AnalyticsCursor,
  CursorError,
  cursorCodecs,
  type HistoryCursor,
  type MeetingsCursor,
  type UsersCursor,
} from './cursor';
import { withCursor } from './errors';
import {
  type DailyActiveRow,
  type DailyMeetingUsageRow,
  type HistoryRecord,
  type MeetingRow,
  mapActiveDay,
  mapHistory,
  mapMeeting,
  mapParticipants,
  mapTopUser,
  mapUsageDay,
  mapUser,
  type UserActivityRow,
  type UserRow,
} from './map';
import {
  AnalyticsTopUser,
  AnalyticsUsageDay,
  AnalyticsUsageList,
  EnterpriseDailyUsers,
  EnterpriseUserInfo,
  EnterpriseUserSearch,
  EnterpriseUsersActive,
  HistoryParticipant,
  MeetingHistory,
  MeetingHistoryList,
  MeetingIndigo,
  MeetingIndigoList,
  parseEach,
} from './schemas';
import {
  addDays,
  DAY_MS,
  type DayWindow,
  dayOf,
  daysBetween,
  dayWindowEnd,
  isoInZone,
  nextWindowEnd,
  rangeToDays,
  startOfDay,
  toMmDdYyyy,
} from './windows';

/** What streams need from their session. */
export interface StreamContext {
  client: BlueJeansClient;
  auth: CallAuth;
  method: ConnectMethod;
  config: BlueJeansConfig;
  enterpriseId(): Promise<string>;
}

function stream<T, C>(
  name: string,
  mode: 'full' | 'incremental',
  codec: CursorCodec<C>,
  first: C | null,
  fetchPage: (cursor: C) => Promise<Page<T, C>>,
): Stream<T, C> {
  return {
    name,
    mode,
    cursor: codec,
    async *start(cursor) {
      let at: C | null = cursor ?? first;
      if (cursor) {
        // A cursor from elsewhere (another range, a hand-made object) is refused before any request.
        try {
          at = codec.decode(codec.encode(cursor));
        } catch (e) {
          if (e instanceof CursorError) throw new CursorError(`${name}: ${e.message}`);
          throw e;
        }
      }
      if (at === null) {
        yield { records: [], skipped: 0, next: null };
        return;
      }
      for (;;) {
        let page: Page<T, C>;
        try {
          page = await fetchPage(at);
        } catch (e) {
          if (e instanceof ConnectorError && e.kind === 'budget') throw withCursor(e, at);
          throw e;
        }
        yield page;
        if (page.next === null) return;
        at = page.next;
      }
    },
  };
}

const floorSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
const ceilSecond = (ms: number) => Math.ceil(ms / 1000) * 1000;

/** Licensed users, pageNumber/pageSize, a full listing every run. */
export function usersStream(ctx: StreamContext): Stream<UserRow, UsersCursor> {
  const size = ctx.config.pageSize.users;
  return stream('users', 'full', cursorCodecs.users, { page: 1 }, async (c) => {
    const eid = await ctx.enterpriseId();
    // operationId: searchUsers
    const body = await ctx.client.call({
      operationId: 'searchUsers',
      method: 'GET',
      path: `/v1/enterprise/${encodeURIComponent(eid)}/users`,
      // An explicit, unique sort key keeps pages stable between requests.
      query: { pageSize: size, pageNumber: c.page, sortBy: 'username', order: 'asc' },
      auth: ctx.auth,
      context: { call: 'data', method: ctx.method },
      schema: EnterpriseUserSearch,
    });
    const { ok, skipped } = parseEach(EnterpriseUserInfo, body.user);
    return {
      records: ok.map(mapUser),
      skipped,
      next: body.user.length < size ? null : { page: c.page + 1 },
      progress:
        body.count != null
          ? { total: body.count, page: c.page, pagesTotal: Math.max(1, Math.ceil(body.count / size)) }
          : { page: c.page },
    };
  });
}

/**
 * Command Center meetings in `[from, to)` by start time: windows of days, then pages inside each. The
 * spec's `offset` is a page number ("offset: Page Number", "limit: Per page"), so it steps by one.
 */
export function meetingsStream(ctx: StreamContext, range: TimeRange): Stream<MeetingRow, MeetingsCursor> {
  const size = ctx.config.pageSize.meetings;
  const windowMs = ctx.config.windowDays.meetings * DAY_MS;
  const first: MeetingsCursor | null =
    range.to > range.from ? { from: range.from, to: range.to, windowStart: range.from, page: 0 } : null;
  return stream('meetings', 'incremental', cursorCodecs.meetings, first, async (c) => {
    const eid = await ctx.enterpriseId();
    const end = nextWindowEnd(c, c.windowStart, windowMs);
    // Filters are second-granular and exclusive: widen by a second below, keep [windowStart, end) below.
    const filter = [
      {
        type: 'date',
        value: isoInZone(floorSecond(c.windowStart) - 1000, 'UTC'),
        field: 'startTime',
        comparison: 'gt',
      },
      { type: 'date', value: isoInZone(ceilSecond(end), 'UTC'), field: 'startTime', comparison: 'lt' },
    ];
    // operationId: getMeetingsPastByEnterprise
    const body = await ctx.client.call({
      operationId: 'getMeetingsPastByEnterprise',
      method: 'GET',
      path: `/v1/enterprise/${encodeURIComponent(eid)}/indigo/meetings`,
      // count=true: the window's total, for the progress shown while syncing.
      query: { offset: c.page, limit: size, count: true, filter: JSON.stringify(filter) },
      appName: true,
      auth: ctx.auth,
      context: { call: 'data', method: ctx.method },
      schema: MeetingIndigoList,
    });
    const { ok, skipped } = parseEach(MeetingIndigo, body.meetings);
    const records = ok.filter((m) => m.startTime >= c.windowStart && m.startTime < end).map(mapMeeting);
    let next: MeetingsCursor | null;
    if (body.meetings.length >= size) next = { ...c, page: c.page + 1 };
    else if (end < c.to) next = { ...c, windowStart: end, page: 0 };
    else next = null;
    const covered = next === null ? c.to : next.windowStart;
    const progress: PageProgress = {
      page: c.page + 1,
      daysDone: Math.floor((covered - c.from) / DAY_MS),
      daysTotal: Math.ceil((c.to - c.from) / DAY_MS),
      ...(body.count != null ? { pagesTotal: Math.max(1, Math.ceil(body.count / size)) } : {}),
    };
    const enterpriseName = ok.find((m) => m.enterpriseName)?.enterpriseName ?? undefined;
    return { records, skipped, next, progress, ...(enterpriseName ? { enterpriseName } : {}) };
  });
}

/** Meeting history in day windows (MM/DD/YYYY in the reporting timezone), pageNumber inside each. */
export function meetingHistoryStream(
  ctx: StreamContext,
  range: TimeRange,
): Stream<HistoryRecord, HistoryCursor> {
  const { timezone: tz } = ctx.config;
  const size = ctx.config.pageSize.history;
  const days = rangeToDays(range, tz);
  const first: HistoryCursor | null = days ? { ...days, windowStart: days.start, page: 1 } : null;
  return stream('meeting_history', 'incremental', cursorCodecs.meetingHistory, first, async (c) => {
    const eid = await ctx.enterpriseId();
    const end = dayWindowEnd(c.windowStart, c.end, ctx.config.windowDays.history);
    // operationId: listHistoryByEnterprise
    const body = await ctx.client.call({
      operationId: 'listHistoryByEnterprise',
      method: 'GET',
      path: `/v1/enterprise/${encodeURIComponent(eid)}/meeting_history`,
      query: {
        startDate: toMmDdYyyy(c.windowStart),
        endDate: toMmDdYyyy(end),
        timezone: tz,
        pageSize: size,
        pageNumber: c.page,
      },
      auth: ctx.auth,
      context: { call: 'data', method: ctx.method },
      schema: MeetingHistoryList,
    });
    const { ok, skipped: badMeetings } = parseEach(MeetingHistory, body);
    let skipped = badMeetings;
    const records: HistoryRecord[] = [];
    for (const h of ok) {
      if (!inDays(dayOf(h.startTime, tz), { start: c.windowStart, end })) continue;
      const people = parseEach(HistoryParticipant, h.participantList);
      skipped += people.skipped;
      records.push({ history: mapHistory(h), participants: mapParticipants(h.meetingGuid, people.ok) });
    }
    let next: HistoryCursor | null;
    if (body.length >= size) next = { ...c, page: c.page + 1 };
    else if (daysBetween(end, c.end) > 0) next = { ...c, windowStart: addDays(end, 1), page: 1 };
    else next = null;
    return { records, skipped, next, progress: { page: c.page, ...dayProgress(c, next) } };
  });
}

/** Days of a day-windowed walk covered after a page (its next window starts after them). */
function dayProgress(
  c: { start: string; end: string; windowStart: string },
  next: { windowStart: string } | null,
): PageProgress {
  const daysTotal = daysBetween(c.start, c.end) + 1;
  return { daysDone: next === null ? daysTotal : daysBetween(c.start, next.windowStart), daysTotal };
}

function inDays(day: string, w: DayWindow): boolean {
  return daysBetween(w.start, day) >= 0 && daysBetween(day, w.end) >= 0;
}

/**
 * The lowts/hights pair for whole days in the reporting timezone: first midnight to the midnight after
 * the window. Ending at 23:59:59 (the spec's example) would lose the day's last second; ending at the
 * next midnight may bring back a sliver of the next day, which is dropped because its date is outside.
 */
function dayBracket(w: DayWindow, tz: string) {
  return {
    low: isoInZone(startOfDay(w.start, tz), tz),
    high: isoInZone(startOfDay(addDays(w.end, 1), tz), tz),
  };
}

/** One request per day window for the v2 analytics endpoints. */
function analyticsStream<T>(
  ctx: StreamContext,
  range: TimeRange,
  name: string,
  codec: CursorCodec<AnalyticsCursor>,
  fetchWindow: (eid: string, w: DayWindow) => Promise<{ records: T[]; skipped: number }>,
): Stream<T, AnalyticsCursor> {
  const days = rangeToDays(range, ctx.config.timezone);
  const first: AnalyticsCursor | null = days ? { ...days, windowStart: days.start } : null;
  return stream(name, 'incremental', codec, first, async (c) => {
    const end = dayWindowEnd(c.windowStart, c.end, ctx.config.windowDays.analytics);
    const { records, skipped } = await fetchWindow(await ctx.enterpriseId(), { start: c.windowStart, end });
    const next = daysBetween(end, c.end) > 0 ? { ...c, windowStart: addDays(end, 1) } : null;
    return { records, skipped, next, progress: dayProgress(c, next) };
  });
}

/** Daily active users (v2 analytics). */
export function activeUsersStream(
  ctx: StreamContext,
  range: TimeRange,
): Stream<DailyActiveRow, AnalyticsCursor> {
  const tz = ctx.config.timezone;
  return analyticsStream(ctx, range, 'active_users', cursorCodecs.activeUsers, async (eid, w) => {
    const { low, high } = dayBracket(w, tz);
    const filter = [
      { type: 'string', comparison: 'eq', value: '%Y-%m-%d', field: 'dateFormat' },
      { type: 'date', comparison: 'eq', value: low, field: 'lowts' },
      { type: 'date', comparison: 'eq', value: high, field: 'hights' },
    ];
    // operationId: getEnterpriseUsersActive
    const body = await ctx.client.call({
      operationId: 'getEnterpriseUsersActive',
      method: 'GET',
      path: `/v2/enterprise/${encodeURIComponent(eid)}/indigo/analytics/users/active`,
      query: { filter: JSON.stringify(filter), clientTZ: tz, limit: 0 },
      appName: true,
      auth: ctx.auth,
      context: { call: 'data', method: ctx.method },
      schema: EnterpriseUsersActive,
    });
    const { ok, skipped } = parseEach(EnterpriseDailyUsers, body.active);
    const rows = ok.map(mapActiveDay);
    const good = rows.filter((r): r is DailyActiveRow => r !== null);
    return { records: good.filter((r) => inDays(r.day, w)), skipped: skipped + rows.length - good.length };
  });
}

/** Meetings, endpoints and minutes per day (v2 analytics, groupInterval DAY). */
export function meetingUsageStream(
  ctx: StreamContext,
  range: TimeRange,
): Stream<DailyMeetingUsageRow, AnalyticsCursor> {
  const tz = ctx.config.timezone;
  return analyticsStream(ctx, range, 'meeting_usage', cursorCodecs.meetingUsage, async (eid, w) => {
    const { low, high } = dayBracket(w, tz);
    const filter = [
      { type: 'string', comparison: 'eq', value: 'DAY', field: 'groupInterval' },
      { type: 'date', comparison: 'eq', value: low, field: 'lowts' },
      { type: 'date', comparison: 'eq', value: high, field: 'hights' },
    ];
    // operationId: getMeetingUsageV2
    const body = await ctx.client.call({
      operationId: 'getMeetingUsageV2',
      method: 'GET',
      path: `/v2/enterprise/${encodeURIComponent(eid)}/indigo/analytics/meetings/usage`,
      query: { filter: JSON.stringify(filter), clientTZ: tz },
      appName: true,
      auth: ctx.auth,
      context: { call: 'data', method: ctx.method },
      schema: AnalyticsUsageList,
    });
    const { ok, skipped } = parseEach(AnalyticsUsageDay, body.usage);
    return { records: ok.map((u) => mapUsageDay(u, tz)).filter((r) => inDays(r.day, w)), skipped };
  });
}

/** Top users' last meeting per window (v2 analytics); the sync keeps the latest per user. */
export function topUsersStream(
  ctx: StreamContext,
  range: TimeRange,
): Stream<UserActivityRow, AnalyticsCursor> {
  const tz = ctx.config.timezone;
  return analyticsStream(ctx, range, 'top_users', cursorCodecs.topUsers, async (eid, w) => {
    const { high } = dayBracket(w, tz);
    // `gt` a second before midnight keeps the first second; an overlap of one second with the previous
    // window is harmless because the sync keeps each user's latest meeting time.
    const from = startOfDay(w.start, tz) - 1000;
    const filter = [
      { type: 'date', comparison: 'gt', value: isoInZone(from, tz), field: 'start_time' },
      { type: 'date', comparison: 'lt', value: high, field: 'end_time' },
    ];
    // operationId: getTopUsersV2
    const body = await ctx.client.call({
      operationId: 'getTopUsersV2',
      method: 'GET',
      path: `/v2/enterprise/${encodeURIComponent(eid)}/indigo/analytics/users/usage`,
      query: { filter: JSON.stringify(filter) },
      appName: true,
      auth: ctx.auth,
      context: { call: 'data', method: ctx.method },
      schema: AnalyticsUsageList,
    });
    const { ok, skipped } = parseEach(AnalyticsTopUser, body.usage);
    return { records: ok.map(mapTopUser), skipped };
  });
}
