import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { SimContext, SimEnv } from '../context';
import {
  ENTERPRISE_USER_FIELDS,
  toEnterpriseProfile,
  toEnterpriseUser,
  toUserAccount,
} from '../data/records';
import { SORT_FIELDS, type SortField } from '../data/user-listing';
import type { SimUser } from '../data/users';
import { fail } from '../http';
import { intParam, requireEnterpriseAdmin, requireToken } from './guards';
import { operation } from './operation';
import { intQuery, validQuery } from './validate';

/** Page size when the caller gives none. */
export const USERS_DEFAULT_PAGE_SIZE = 20;
/** Largest page the simulator serves; larger requests get 400 rather than a silently short page. */
export const MAX_PAGE_SIZE = 1000;

const searchQuery = z.object({
  fields: z.string().optional(),
  order: z.enum(['asc', 'desc']).optional(),
  sortBy: z.string().optional(),
  textSearch: z.string().optional(),
  filters: z.string().optional(),
  tag: z.string().optional(),
  emailId: z.string().optional(),
  pageSize: intQuery(1, MAX_PAGE_SIZE),
  pageNumber: intQuery(1, 1_000_000_000),
});

/** User and enterprise-user endpoints (spec tags User and Enterprise). */
export function userRoutes(ctx: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();

  /** A user's own record, or any record for an admin or app token; the same rule for both user reads. */
  const readableUser = (operationId: string, render: (u: SimUser) => Record<string, unknown>) =>
    [
      operation(ctx, operationId, 'data'),
      requireToken(ctx),
      (c: Context<SimEnv>) => {
        const userId = intParam(c.req.param('userId') ?? '');
        if (userId === undefined) return fail(c, 400, 'user_id must be an integer');
        const index = ctx.model.users.indexOfId(userId);
        const auth = c.get('auth');
        const self = auth.userIndex !== undefined && auth.userIndex === index;
        const callerIsAdmin =
          auth.kind === 'app' ||
          (auth.userIndex !== undefined && ctx.model.users.user(auth.userIndex).isEnterpriseAdmin);
        if (!self && !callerIsAdmin)
          return fail(c, 403, 'Access denied: a user token may only read its own profile');
        if (index === undefined || ctx.model.users.isRemoved(index, ctx.now()))
          return fail(c, 404, 'User not found');
        return c.json(render(ctx.model.users.user(index)));
      },
    ] as const;

  // operationId: getEnterpriseProfile
  app.get(
    '/v1/user/:userId/enterprise_profile',
    ...readableUser('getEnterpriseProfile', (u) => toEnterpriseProfile(u, ctx.model.identity.id)),
  );

  // operationId: getUser
  app.get('/v1/user/:userId', ...readableUser('getUser', toUserAccount));

  // operationId: searchUsers
  app.get(
    '/v1/enterprise/:enterpriseId/users',
    operation(ctx, 'searchUsers', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, ['user_info']),
    validQuery(searchQuery),
    (c) => {
      const q = c.req.valid('query');
      const sortBy = (q.sortBy ?? 'id') as SortField;
      if (!SORT_FIELDS.includes(sortBy))
        return fail(c, 400, `sortBy must be one of ${SORT_FIELDS.join(', ')}`);
      if (q.filters !== undefined && !['admin', 'active'].includes(q.filters)) {
        return fail(c, 400, 'filters must be admin or active');
      }
      const fields = q.fields
        ? new Set(
            q.fields
              .split(',')
              .map((f) => f.trim())
              .filter((f) => (ENTERPRISE_USER_FIELDS as readonly string[]).includes(f)),
          )
        : undefined;
      const pageSize = q.pageSize ?? USERS_DEFAULT_PAGE_SIZE;
      const pageNumber = q.pageNumber ?? 1;
      const desc = q.order === 'desc';
      const users = ctx.model.users;

      const plainListing = !q.textSearch && !q.emailId && !q.filters && !q.tag;
      if (plainListing && pageNumber === 1) churnUsers(ctx, c.get('operation'), c.get('seq'));
      const now = ctx.now();

      let total: number;
      let page: SimUser[];
      if (plainListing) {
        total = users.presentCount(now);
        page = ctx.model.listing.page(now, sortBy, desc, (pageNumber - 1) * pageSize, pageSize);
      } else {
        const match = matcher(q, now);
        const all = ctx.model.listing.search(now, sortBy, desc, match);
        total = all.length;
        page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      }
      return c.json({ count: total, user: page.map((u) => toEnterpriseUser(u, fields)) });
    },
  );

  // operationId: removeUser. Removes the user from the enterprise (the account itself lives on): gone from
  // listings and getUser at once, and their tokens stop working. App tokens and enterprise admins only.
  app.delete(
    '/v1/enterprise/:enterpriseId/users/:userId',
    operation(ctx, 'removeUser', 'data'),
    requireToken(ctx),
    requireEnterpriseAdmin(ctx, ['modify_user_info']),
    (c) => {
      const userId = intParam(c.req.param('userId'));
      if (userId === undefined) return fail(c, 400, 'user_id must be an integer');
      const index = ctx.model.users.indexOfId(userId);
      if (index === undefined || ctx.model.users.isRemoved(index, ctx.now()))
        return fail(c, 404, 'User not found');
      const auth = c.get('auth');
      if (auth.userIndex === index) return fail(c, 403, 'An administrator cannot remove themselves');
      ctx.model.users.removeNow([index], true);
      ctx.stats.removed([userId]);
      return c.body(null, 204);
    },
  );

  return app;
}

function matcher(
  q: {
    textSearch?: string | undefined;
    emailId?: string | undefined;
    filters?: string | undefined;
    tag?: string | undefined;
  },
  now: number,
): (u: SimUser) => boolean {
  const text = q.textSearch?.trim().toLowerCase();
  const email = q.emailId?.trim().toLowerCase();
  return (u) => {
    // The spec: textSearch is a partial match; otherwise emailId is an exact lookup.
    if (text && ![u.username, u.firstName, u.lastName, u.email].some((v) => v.toLowerCase().includes(text)))
      return false;
    if (!text && email !== undefined && u.email !== email) return false;
    if (q.filters === 'admin' && !u.isEnterpriseAdmin) return false;
    if (q.filters === 'active' && !(u.activity === 'regular' && u.activeUntil > now)) return false;
    // No simulated user carries tags.
    return !q.tag;
  };
}

/** The churn fault: each new listing (after the first) starts with some users gone. */
function churnUsers(ctx: SimContext, operationId: string, seq: number): void {
  const n = ctx.faults.settings().removeUsersPerListing;
  if (n <= 0) return;
  if (!ctx.faults.listingStarted(operationId)) return;
  const rng = ctx.faults.rngFor(seq, 1);
  const picked = ctx.model.users.pickRemovable(rng, n, ctx.now());
  ctx.removeUsers(picked.map((i) => ctx.model.users.idBase + i));
}
