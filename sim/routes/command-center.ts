import { Hono } from 'hono';
import { z } from 'zod';
import type { SimContext, SimEnv } from '../context';
import { toLiveMeetingIndigo, toMeetingExtendedIndigo, toMeetingIndigo } from '../data/records';
import { fail } from '../http';
import { MINUTE_MS } from '../lib/time';
import { meetingRangeFromFilter, parseFilter } from './filters';
import { requireEnterpriseAdmin, requireToken } from './guards';
import { operation } from './operation';
import { MAX_PAGE_SIZE } from './users';
import { boolQuery, intQuery, validQuery } from './validate';

/** Meetings per page when `limit` is absent. */
export const MEETINGS_DEFAULT_LIMIT = 100;

const listQuery = z.object({
  offset: intQuery(0, 1_000_000_000),
  limit: intQuery(1, MAX_PAGE_SIZE),
  filter: z.string().optional(),
  count: boolQuery,
  app_name: z.string().optional(),
});

const detailQuery = z.object({ includeEndpoints: boolQuery, app_name: z.string().optional() });

/** Command Center (v1, deprecated in the spec but the only source of per-meeting feature flags). */
export function commandCenterRoutes(ctx: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  const scopes = ['list_meetings', 'meeting_history'];

  // operationId: getMeetingsPastByEnterprise
  app.get(
    '/v1/enterprise/:enterpriseId/indigo/meetings',
    operation(ctx, 'getMeetingsPastByEnterprise', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, scopes),
    validQuery(listQuery),
    (c) => {
      const q = c.req.valid('query');
      const items = parseFilter(q.filter);
      if (typeof items === 'string') return fail(c, 400, items);
      const range = meetingRangeFromFilter(items, ctx.model);
      if (typeof range === 'string') return fail(c, 400, range);
      const limit = q.limit ?? MEETINGS_DEFAULT_LIMIT;
      // The spec describes `offset` as the page number ("offset: Page Number", "limit: Per page").
      const first = (q.offset ?? 0) * limit;
      const lateMs = ctx.faults.settings().lateArrivalMinutes * MINUTE_MS;
      const query = ctx.model.query(ctx.now(), lateMs, range);
      const meetings = query
        .page(first, limit)
        .map((shape) => toMeetingIndigo(ctx.model.meetings.facts(shape), ctx.model.identity.name));
      return c.json(q.count ? { count: query.count(), meetings } : { meetings });
    },
  );

  // operationId: getMeetingsLiveByEnterprise (registered before `/:meetingUuid`, which would take "live")
  app.get(
    '/v1/enterprise/:enterpriseId/indigo/meetings/live',
    operation(ctx, 'getMeetingsLiveByEnterprise', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, scopes),
    validQuery(z.object({ app_name: z.string().optional() })),
    (c) => {
      const now = ctx.now();
      const meetings = ctx.model.live(now).map((f) => toLiveMeetingIndigo(f, ctx.model.identity.name, now));
      return c.json({ meetings });
    },
  );

  // operationId: getMeetingPastByEnterprise
  app.get(
    '/v1/enterprise/:enterpriseId/indigo/meetings/:meetingUuid',
    operation(ctx, 'getMeetingPastByEnterprise', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, scopes),
    validQuery(detailQuery),
    (c) => {
      const q = c.req.valid('query');
      const lateMs = ctx.faults.settings().lateArrivalMinutes * MINUTE_MS;
      const facts = ctx.model.meetingByUuid(c.req.param('meetingUuid'), ctx.now(), lateMs);
      if (!facts) return fail(c, 404, 'Meeting not found');
      const participants = q.includeEndpoints ? ctx.model.meetings.participants(facts) : undefined;
      return c.json(toMeetingExtendedIndigo(facts, participants, ctx.model.identity.name, ctx.seed));
    },
  );

  return app;
}
