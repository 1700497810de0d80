import { type Context, Hono } from 'hono';
import type { GrantRecord } from '../auth/grants';
import type { SimContext, SimEnv } from '../context';
import { fail } from '../http';
import { intParam, requireToken } from './guards';
import { operation } from './operation';

/**
 * Granted applications (spec tag User): the 3-legged apps a user consented to, and revoking one, which
 * ends that app's access for the user (its access and refresh tokens stop working).
 */
export function grantRoutes(ctx: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();

  /** The user a path names, if the token may act for them: themself, an enterprise admin or an app. */
  const subject = (c: Context<SimEnv>): { index: number } | Response => {
    const userId = intParam(c.req.param('userId') ?? '');
    if (userId === undefined) return fail(c, 400, 'user_id must be an integer');
    const index = ctx.model.users.indexOfId(userId);
    const auth = c.get('auth');
    const self = auth.userIndex !== undefined && auth.userIndex === index;
    const admin =
      auth.kind === 'app' ||
      (auth.kind === 'user' &&
        auth.userIndex !== undefined &&
        ctx.model.users.user(auth.userIndex).isEnterpriseAdmin);
    if (!self && !admin) {
      return fail(c, 403, "Access denied: a token may only manage its own user's granted applications");
    }
    if (index === undefined || ctx.model.users.isRemoved(index, ctx.now())) {
      return fail(c, 404, 'User not found');
    }
    return { index };
  };

  const render = (g: GrantRecord) => {
    const registered = ctx.apps.get(g.appKey);
    return {
      appName: registered?.name ?? g.appKey,
      appDescription: `${registered?.name ?? g.appKey} reads this account through the BlueJeans API`,
      clientId: g.appKey,
      userId: ctx.model.users.user(g.userIndex).id,
      scope: g.scopes.join(','),
    };
  };

  // operationId: getGrantedApplications. The spec types the answer as one GrantedApplications object,
  // so the simulator answers with the user's most recent grant, and 404 when there is none.
  app.get(
    '/v1/user/:userId/granted_applications',
    operation(ctx, 'getGrantedApplications', 'data'),
    requireToken(ctx),
    (c) => {
      const who = subject(c);
      if (who instanceof Response) return who;
      const [newest] = ctx.grants.list(who.index);
      if (!newest) return fail(c, 404, 'This user has not granted any application');
      return c.json(render(newest));
    },
  );

  // operationId: revokeGrantedApplication
  app.delete(
    '/v1/user/:userId/granted_applications/:clientId',
    operation(ctx, 'revokeGrantedApplication', 'data'),
    requireToken(ctx),
    (c) => {
      const who = subject(c);
      if (who instanceof Response) return who;
      const clientId = c.req.param('clientId');
      if (!ctx.grants.revoke(who.index, clientId)) {
        return fail(c, 404, 'This user has not granted access to that application');
      }
      ctx.tokens.revokeGrant(who.index, clientId);
      return c.body(null, 204);
    },
  );

  return app;
}
