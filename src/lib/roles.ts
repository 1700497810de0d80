/**
 * Roles, declared next to every path.
 *
 * `admin` may do everything (connect, reconnect, disconnect, sync, settings,
 * licences, reclaim, invites, members); `viewer` reads (the card, usage,
 * licences) and changes nothing. Tenancy sets `c.var.role` for the caller in
 * the request's organization (undefined: signed in, but no member of it).
 *
 * `requireRole('viewer')` / `requireRole('admin')` go first after the path, so a
 * refused caller never reaches validation or a handler. `publicRoute(why)` marks
 * the few paths that need no role (health, the embed token landing). Every route
 * of the app must carry one of the two: `undeclaredRoutes(app)` finds any that
 * does not, and createApp refuses to build an app that has one.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../deps';
import { isEmbedPath } from '../embed/session';

export type Role = 'admin' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'viewer'];

/** What a route declared: a role, or `public` (no role needed). */
export type Declaration = Role | 'public';

const declared = new WeakMap<object, Declaration>();

/** Does `role` grant what `needed` asks for? Admin includes viewer. */
export function grants(role: Role | undefined, needed: Role): boolean {
  if (!role) return false;
  return needed === 'viewer' || role === 'admin';
}

/**
 * Refused: a signed-in caller without the role. The message says who can do it;
 * `who` is filled by the 403 page from the organization's admins.
 */
export class RoleError extends HTTPException {
  override readonly name = 'RoleError';
  constructor(
    readonly needed: Role,
    readonly role: Role | undefined,
    message: string,
  ) {
    super(403, { message });
  }
}

export interface RequireRoleOptions {
  /** Lets the request through without a role (e.g. `/embed/card?token=`, which signs the caller in). */
  unless?: (c: Context<AppEnv>) => boolean;
}

/** Declares the role a route needs, and enforces it. */
export function requireRole(needed: Role, options: RequireRoleOptions = {}): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (options.unless?.(c)) return next();
    const role = c.get('role');
    if (grants(role, needed)) return next();
    if (isEmbedPath(c.req.path) && !c.get('embedSession')) {
      throw new HTTPException(401, {
        message:
          'This embedded card has no session: it expired, or the browser blocks cookies in frames. Reload the page.',
      });
    }
    throw new RoleError(needed, role, refusal(needed, role));
  };
  declared.set(mw, needed);
  return mw;
}

/** Declares that a route needs no role; `why` is for the reader of the route. */
export function publicRoute(_why: string): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = (_c, next) => next();
  declared.set(mw, 'public');
  return mw;
}

function refusal(needed: Role, role: Role | undefined): string {
  if (!role) return 'You are not a member of this organization, so Seatwise shows you nothing of it.';
  if (needed === 'admin') return 'Viewers can look but not change anything: only an admin can do this.';
  return 'You are not allowed to see this.';
}

/** The declaration a handler carries (unwrapping a sub-app's onError wrapper). */
export function declarationOf(handler: unknown): Declaration | undefined {
  if (typeof handler !== 'function') return undefined;
  const own = declared.get(handler);
  if (own) return own;
  const inner = (handler as { __COMPOSED_HANDLER?: unknown }).__COMPOSED_HANDLER;
  return inner && inner !== handler ? declarationOf(inner) : undefined;
}

export interface DeclaredRoute {
  method: string;
  path: string;
  declaration: Declaration | undefined;
}

/**
 * Every route of the app (method + path, `app.use` middleware excluded) with what
 * it declared. Tests enumerate the router through this, so a route added later
 * is covered the day it is added.
 */
export function appRoutes(app: Hono<AppEnv>): DeclaredRoute[] {
  const byKey = new Map<string, DeclaredRoute>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    const key = `${r.method} ${r.path}`;
    const entry = byKey.get(key) ?? { method: r.method, path: r.path, declaration: undefined };
    entry.declaration ??= declarationOf(r.handler);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

/** Routes without a declaration ("METHOD /path"), for createApp's refusal and the tests. */
export function undeclaredRoutes(app: Hono<AppEnv>): string[] {
  return appRoutes(app)
    .filter((r) => r.declaration === undefined)
    .map((r) => `${r.method} ${r.path}`);
}
