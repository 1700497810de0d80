import { Hono } from 'hono';
import { z } from 'zod';
import type { SimContext, SimEnv } from '../context';
import { type Bucket, bucketsBetween, type GroupInterval } from '../data/analytics';
import { fail } from '../http';
import { isValidTimeZone, MINUTE_MS, strftime } from '../lib/time';
import { type AnalyticsWindow, analyticsWindow, parseFilter } from './filters';
import { requireEnterpriseAdmin, requireToken } from './guards';
import { operation } from './operation';
import { intQuery, validQuery } from './validate';

const activeQuery = z.object({
  filter: z.string(),
  clientTZ: z.string().optional(),
  limit: intQuery(0, 1_000_000),
  app_name: z.string().optional(),
});
const usageQuery = z.object({
  filter: z.string(),
  clientTZ: z.string().optional(),
  app_name: z.string().optional(),
});
const topQuery = z.object({ filter: z.string(), app_name: z.string().optional() });

/** Command Center v2 analytics: daily active users, usage over time, top users. */
export function analyticsRoutes(ctx: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  const scopes = ['meeting_history'];
  const base = '/v2/enterprise/:enterpriseId/indigo/analytics';

  /** Buckets clipped to what the simulator holds: from its window start up to now. */
  const bucketsOf = (w: AnalyticsWindow, interval: GroupInterval, timeZone: string): Bucket[] | string => {
    const low = Math.max(w.low, ctx.model.windowStart);
    const high = Math.min(w.high, ctx.now());
    try {
      return bucketsBetween(low, high, interval, timeZone);
    } catch {
      return 'The requested period is too long';
    }
  };

  // operationId: getEnterpriseUsersActive
  app.get(
    `${base}/users/active`,
    operation(ctx, 'getEnterpriseUsersActive', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, scopes),
    validQuery(activeQuery),
    (c) => {
      const q = c.req.valid('query');
      const timeZone = q.clientTZ ?? 'UTC';
      if (!isValidTimeZone(timeZone)) return fail(c, 400, `Unknown clientTZ: ${timeZone}`);
      const items = parseFilter(q.filter);
      if (typeof items === 'string') return fail(c, 400, items);
      const w = analyticsWindow(items, 'lowts', 'hights');
      if (typeof w === 'string') return fail(c, 400, w);
      // The spec's example quotes the format: "'%Y-%m-%d'".
      const format = (w.options.dateFormat ?? '%Y-%m-%d').replace(/^'(.*)'$/, '$1');
      const buckets = bucketsOf(w, 'DAY', timeZone);
      if (typeof buckets === 'string') return fail(c, 400, buckets);
      const lateMs = ctx.faults.settings().lateArrivalMinutes * MINUTE_MS;
      let active = buckets.map((b) => ({
        active_users: ctx.model.analytics.usage(b, ctx.now(), lateMs).activeUsers,
        the_date: strftime(b.start, format, timeZone),
      }));
      if (q.limit) active = active.slice(0, q.limit);
      return c.json({ active });
    },
  );

  // operationId: getMeetingUsageV2
  app.get(
    `${base}/meetings/usage`,
    operation(ctx, 'getMeetingUsageV2', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, scopes),
    validQuery(usageQuery),
    (c) => {
      const q = c.req.valid('query');
      // The spec's default zone for this operation.
      const timeZone = q.clientTZ ?? 'America/Denver';
      if (!isValidTimeZone(timeZone)) return fail(c, 400, `Unknown clientTZ: ${timeZone}`);
      const items = parseFilter(q.filter);
      if (typeof items === 'string') return fail(c, 400, items);
      const w = analyticsWindow(items, 'lowts', 'hights');
      if (typeof w === 'string') return fail(c, 400, w);
      const interval = (w.options.groupInterval ?? 'DAY').toUpperCase();
      if (interval !== 'DAY' && interval !== 'WEEK' && interval !== 'MONTH') {
        return fail(c, 400, 'groupInterval must be DAY, WEEK or MONTH');
      }
      const buckets = bucketsOf(w, interval, timeZone);
      if (typeof buckets === 'string') return fail(c, 400, buckets);
      const lateMs = ctx.faults.settings().lateArrivalMinutes * MINUTE_MS;
      const usage = buckets.map((b) => {
        const u = ctx.model.analytics.usage(b, ctx.now(), lateMs);
        return {
          Date: b.start,
          numMeetings: u.numMeetings,
          numEndpoints: u.numEndpoints,
          endpointMinutes: u.endpointMinutes,
        };
      });
      return c.json({ usage });
    },
  );

  // operationId: getTopUsersV2
  app.get(
    `${base}/users/usage`,
    operation(ctx, 'getTopUsersV2', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, scopes),
    validQuery(topQuery),
    (c) => {
      const q = c.req.valid('query');
      const items = parseFilter(q.filter);
      if (typeof items === 'string') return fail(c, 400, items);
      const w = analyticsWindow(items, 'start_time', 'end_time');
      if (typeof w === 'string') return fail(c, 400, w);
      const lateMs = ctx.faults.settings().lateArrivalMinutes * MINUTE_MS;
      const rows = ctx.model.analytics.topUsers(w.low, w.high + 1, ctx.now(), lateMs);
      const usage = rows.map((r) => {
        const u = ctx.model.users.user(r.userIndex);
        return {
          userId: u.id,
          userName: u.username,
          first_name: u.firstName,
          last_name: u.lastName,
          participantMinutes: r.participantMinutes,
          lastMeetingTime: r.lastMeetingTime,
        };
      });
      return c.json({ usage });
    },
  );

  return app;
}
