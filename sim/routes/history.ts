import { Hono } from 'hono';
import { z } from 'zod';
import type { SimContext, SimEnv } from '../context';
import { toMeetingHistory } from '../data/records';
import type { MeetingRange } from '../data/window';
import { fail } from '../http';
import { isValidTimeZone, MINUTE_MS, parseUsDate, zonedMidnight } from '../lib/time';
import { requireEnterpriseAdmin, requireToken } from './guards';
import { operation } from './operation';
import { MAX_PAGE_SIZE } from './users';
import { intQuery, validQuery } from './validate';

/** History records per page when `pageSize` is absent. */
export const HISTORY_DEFAULT_PAGE_SIZE = 20;

const listQuery = z.object({
  meetingId: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  timezone: z.string().optional(),
  pageSize: intQuery(1, MAX_PAGE_SIZE),
  pageNumber: intQuery(1, 1_000_000_000),
});

/** Meeting history by enterprise (spec tag History). */
export function historyRoutes(ctx: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();

  // operationId: listHistoryByEnterprise
  app.get(
    '/v1/enterprise/:enterpriseId/meeting_history',
    operation(ctx, 'listHistoryByEnterprise', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, ['meeting_history']),
    validQuery(listQuery),
    (c) => {
      const q = c.req.valid('query');
      const timeZone = q.timezone ?? 'UTC';
      if (!isValidTimeZone(timeZone)) return fail(c, 400, `Unknown timezone: ${timeZone}`);
      const range: MeetingRange = {};
      if (q.startDate !== undefined) {
        const d = parseUsDate(q.startDate);
        if (!d) return fail(c, 400, 'startDate must be MM/DD/YYYY');
        range.startFrom = zonedMidnight(d.year, d.month, d.day, timeZone);
      }
      if (q.endDate !== undefined) {
        const d = parseUsDate(q.endDate);
        if (!d) return fail(c, 400, 'endDate must be MM/DD/YYYY');
        // endDate is inclusive: the whole local day counts.
        range.startBefore = zonedMidnight(d.year, d.month, d.day + 1, timeZone);
      }
      const meetingId = q.meetingId?.trim();
      if (meetingId) range.match = (shape) => ctx.model.meetings.numericIdOf(shape) === meetingId;
      const pageSize = q.pageSize ?? HISTORY_DEFAULT_PAGE_SIZE;
      const pageNumber = q.pageNumber ?? 1;
      const lateMs = ctx.faults.settings().lateArrivalMinutes * MINUTE_MS;
      const page = ctx.model
        .query(ctx.now(), lateMs, range)
        .page((pageNumber - 1) * pageSize, pageSize)
        .map((shape) => {
          const facts = ctx.model.meetings.facts(shape);
          return toMeetingHistory(facts, ctx.model.meetings.participants(facts));
        });
      return c.json(page);
    },
  );

  // operationId: getHistoryByEnterprise
  app.get(
    '/v1/enterprise/:enterpriseId/meeting_history/:meetingGuid',
    operation(ctx, 'getHistoryByEnterprise', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, ['meeting_history']),
    (c) => {
      const guid = c.req.param('meetingGuid');
      const colon = guid.indexOf(':');
      const lateMs = ctx.faults.settings().lateArrivalMinutes * MINUTE_MS;
      const facts = colon > 0 ? ctx.model.meetingByUuid(guid.slice(colon + 1), ctx.now(), lateMs) : undefined;
      if (!facts || facts.guid !== guid) return fail(c, 404, 'Meeting history not found');
      return c.json(toMeetingHistory(facts, ctx.model.meetings.participants(facts)));
    },
  );

  return app;
}
