import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { TokenRecord } from '../auth/tokens';
import type { SimContext, SimEnv } from '../context';
import { accessTokenOf, fail } from '../http';

/** Why a presented token does not authenticate, or undefined when it does. */
export function tokenProblem(ctx: SimContext, record: TokenRecord | undefined): string | undefined {
  if (!record) return 'Invalid access token';
  if (record.revoked) return 'Access token has been revoked';
  if (record.expiresAt <= ctx.now()) return 'Access token has expired';
  if (record.appKey !== undefined && ctx.apps.get(record.appKey)?.revoked)
    return 'Access token has been revoked';
  if (record.userIndex !== undefined && ctx.model.users.isRemoved(record.userIndex, ctx.now())) {
    return 'User no longer belongs to this enterprise';
  }
  return undefined;
}

function unauthorized(c: Context<SimEnv>, message: string): Response {
  return fail(c, 401, message, { 'WWW-Authenticate': 'Bearer realm="BlueJeans", error="invalid_token"' });
}

/** Requires a valid access token (header or `access_token` query) and stores its record as `auth`. */
export function requireToken(ctx: SimContext): MiddlewareHandler<SimEnv> {
  return createMiddleware<SimEnv>(async (c, next) => {
    const token = accessTokenOf(c);
    if (!token) return unauthorized(c, 'Missing access token');
    const record = ctx.tokens.get(token);
    const problem = tokenProblem(ctx, record);
    if (problem || !record) return unauthorized(c, problem ?? 'Invalid access token');
    c.set('auth', record);
    await next();
  });
}

/** Parses an integer path parameter as the spec types it; undefined when it is not one. */
export function intParam(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/**
 * Enterprise-wide endpoints: the token must belong to this enterprise and be an app token or an
 * enterprise admin's user token; 3-legged tokens also need one of `scopes`.
 */
export function requireEnterpriseAdmin(
  ctx: SimContext,
  scopes: readonly string[],
): MiddlewareHandler<SimEnv> {
  return createMiddleware<SimEnv>(async (c, next) => {
    const id = intParam(c.req.param('enterpriseId'));
    if (id === undefined) return fail(c, 400, 'enterprise_id must be an integer');
    if (id !== ctx.model.identity.id)
      return fail(c, 403, `Access denied: the token is not valid for enterprise ${id}`);
    const auth = c.get('auth');
    if (auth.kind !== 'app') {
      const user = ctx.model.users.user(auth.userIndex ?? 0);
      if (!user.isEnterpriseAdmin) return fail(c, 403, 'Requires enterprise administrator access token');
      if (auth.kind === 'three-legged' && !scopes.some((s) => auth.scopes.includes(s))) {
        return fail(c, 403, `Insufficient scope: requires ${scopes.join(' or ')}`);
      }
    }
    await next();
  });
}
