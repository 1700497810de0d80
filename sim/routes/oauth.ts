import { type Context, Hono } from 'hono';
import type { TokenRecord } from '../auth/tokens';
import type { GrantBody, SimContext, SimEnv } from '../context';
import { DEMO_ADMIN, DEMO_USER } from '../data/users';
import { accessTokenOf, fail, readGrantBody } from '../http';
import { tokenProblem } from './guards';
import { operation } from './operation';

/** Scopes a 3-legged app may ask for (spec: getAuthorizationCode). */
export const THREE_LEGGED_SCOPES = [
  'list_meetings',
  'modify_meetings',
  'user_info',
  'meeting_history',
  'modify_user_info',
];

/** What each scope lets a 3-legged token call, shown as the grant's `appPermissions`. */
const SCOPE_PERMISSIONS: Record<string, { method: string; allowedRegex: string }> = {
  list_meetings: {
    method: 'GET',
    allowedRegex: '^/v1/(user|enterprise)/\\d+/(scheduled_meeting|indigo/meetings).*',
  },
  modify_meetings: { method: 'PUT', allowedRegex: '^/v1/user/\\d+/scheduled_meeting.*' },
  user_info: { method: 'GET', allowedRegex: '^/v1/(user/\\d+|enterprise/\\d+/users).*' },
  meeting_history: {
    method: 'GET',
    allowedRegex: '^/v[12]/(user|enterprise)/\\d+/(meeting_history|indigo/analytics).*',
  },
  modify_user_info: { method: 'PUT', allowedRegex: '^/v1/user/\\d+.*' },
};

/** Checks a password login against the demo accounts. */
export function passwordLogin(ctx: SimContext, username: string, password: string): number | undefined {
  const name = username.trim().toLowerCase();
  const account = [DEMO_ADMIN, DEMO_USER].find((a) => a.username === name && a.password === password);
  if (!account || ctx.model.users.isRemoved(account.index, ctx.now())) return undefined;
  return account.index;
}

/** OAuth endpoints: token grants, token info and revocation. */
export function oauthRoutes(ctx: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  const partition = () => ({
    partitionName: ctx.model.identity.partition.name,
    partition: ctx.model.identity.partition,
  });
  const ttl = () => ctx.faults.settings().tokenTtlSeconds;
  const noStore = { 'Cache-Control': 'no-store' };

  const threeLeggedScope = (t: TokenRecord) => ({
    user: ctx.model.users.user(t.userIndex ?? 0).id,
    appPermissions: t.scopes.flatMap((s) => (SCOPE_PERMISSIONS[s] ? [SCOPE_PERMISSIONS[s]] : [])),
    ...partition(),
    bearerPermissions: t.scopes.join(','),
  });

  const clientCredentials = (c: Context<SimEnv>, body: GrantBody) => {
    if (!body.client_id || !body.client_secret)
      return fail(c, 400, 'client_id and client_secret are required');
    if (ctx.faults.settings().oauthAccessDisabled) {
      return fail(
        c,
        403,
        'OAuth access is not enabled for this enterprise; ask BlueJeans support to enable it',
      );
    }
    const appRecord = ctx.apps.authenticate(body.client_id, body.client_secret);
    if (!appRecord) return fail(c, 401, 'Invalid client credentials');
    const t = ctx.tokens.issue({ kind: 'app', appKey: appRecord.appKey }, ctx.now(), ttl());
    return c.json(
      {
        access_token: t.accessToken,
        expires_in: ttl(),
        scope: { enterprise: ctx.model.identity.id, ...partition() },
      },
      200,
      noStore,
    );
  };

  const password = (c: Context<SimEnv>, body: GrantBody) => {
    if (!body.username || !body.password) return fail(c, 400, 'username and password are required');
    const index = passwordLogin(ctx, body.username, body.password);
    if (index === undefined) return fail(c, 401, 'Invalid username or password');
    const user = ctx.model.users.user(index);
    const t = ctx.tokens.issue({ kind: 'user', userIndex: index }, ctx.now(), ttl());
    // Only administrators' grants name the enterprise; others look it up via enterprise_profile.
    const scope = {
      user: user.id,
      ...(user.isEnterpriseAdmin ? { enterprise: ctx.model.identity.id } : {}),
      ...partition(),
    };
    return c.json({ access_token: t.accessToken, expires_in: ttl(), scope }, 200, noStore);
  };

  const authorizationCode = (c: Context<SimEnv>, body: GrantBody) => {
    const redirectUri = body.redirectUri ?? body.redirect_uri;
    if (!body.client_id || !body.client_secret || !body.code || !redirectUri) {
      return fail(c, 400, 'client_id, client_secret, code and redirectUri are required');
    }
    const appRecord = ctx.apps.authenticate(body.client_id, body.client_secret);
    if (!appRecord) return fail(c, 401, 'Invalid client credentials');
    const code = ctx.codes.consume(body.code, ctx.now());
    if (!code || code.clientId !== appRecord.appKey) {
      return fail(c, 401, 'The code is invalid or has expired; codes are valid for 30 seconds and work once');
    }
    if (code.redirectUri !== redirectUri)
      return fail(c, 401, 'redirectUri does not match the authorization request');
    if (ctx.model.users.isRemoved(code.userIndex, ctx.now()))
      return fail(c, 401, 'User no longer belongs to this enterprise');
    // The consent becomes a granted application of the user (getGrantedApplications).
    ctx.grants.grant(code.userIndex, appRecord.appKey, code.scopes, ctx.now());
    return threeLeggedGrant(
      c,
      { appKey: appRecord.appKey, userIndex: code.userIndex, scopes: code.scopes },
      { clientId: appRecord.appKey },
    );
  };

  /** Issues a 3-legged access + refresh token pair (code exchange and refresh answer the same shape). */
  const threeLeggedGrant = (
    c: Context<SimEnv>,
    grant: { appKey: string; userIndex: number; scopes: string[] },
    extraScope: Record<string, unknown> = {},
  ) => {
    const t = ctx.tokens.issue({ kind: 'three-legged', ...grant }, ctx.now(), ttl(), true);
    return c.json(
      {
        access_token: t.accessToken,
        refresh_token: t.refreshToken,
        expires_in: ttl(),
        scope: { ...threeLeggedScope(t), ...extraScope },
      },
      200,
      noStore,
    );
  };

  const refresh = (c: Context<SimEnv>, body: GrantBody) => {
    if (!body.client_id || !body.client_secret || !body.refresh_token) {
      return fail(c, 400, 'client_id, client_secret and refresh_token are required');
    }
    const appRecord = ctx.apps.authenticate(body.client_id, body.client_secret);
    if (!appRecord) return fail(c, 401, 'Invalid client credentials');
    const r = ctx.tokens.getRefresh(body.refresh_token);
    if (r && r.appKey === appRecord.appKey && (r.revoked || !ctx.grants.get(r.userIndex, r.appKey))) {
      return fail(c, 401, "The user revoked this application's access; the refresh token no longer works");
    }
    if (!r || r.used || r.expiresAt <= ctx.now() || r.appKey !== appRecord.appKey) {
      return fail(c, 401, 'Invalid or expired refresh token');
    }
    if (ctx.model.users.isRemoved(r.userIndex, ctx.now()))
      return fail(c, 401, 'User no longer belongs to this enterprise');
    // Refresh tokens rotate: the old one is spent.
    r.used = true;
    return threeLeggedGrant(c, { appKey: r.appKey, userIndex: r.userIndex, scopes: r.scopes });
  };

  // operationIds: getTokenByClient (#Application), getTokenByPassword (#User), getTokenByCode (#3Legged),
  // getTokenByRefresh (#Refresh_3Legged). SDKs add ?Client / ?Password / ?Code / ?Refresh; the body decides.
  app.post('/oauth2/token', operation(ctx, 'oauthToken', 'auth'), async (c) => {
    const body = await readGrantBody(c);
    if (!body) return fail(c, 400, 'The request body must be a JSON object');
    const grant = body.grant_type;
    ctx.stats.grant(grant ?? '(none)');
    switch (grant) {
      case 'client_credentials':
        return clientCredentials(c, body);
      case 'password':
        return password(c, body);
      case 'authorization_code':
        return authorizationCode(c, body);
      case 'refresh_token':
        return refresh(c, body);
      case undefined:
        return fail(c, 400, 'grant_type is required');
      default:
        return fail(c, 400, `Unsupported grant_type: ${grant}`);
    }
  });

  // operationId: getTokenInfo
  app.get('/oauth2/tokenInfo', operation(ctx, 'getTokenInfo', 'auth'), (c) => {
    const token = c.req.query('access_token') || accessTokenOf(c);
    if (!token) return fail(c, 401, 'Missing access token');
    const t = ctx.tokens.get(token);
    const problem = tokenProblem(ctx, t);
    if (problem || !t) return fail(c, 401, problem ?? 'Invalid access token');
    const expiresIn = Math.max(0, Math.floor((t.expiresAt - ctx.now()) / 1000));
    if (t.kind === 'app') {
      return c.json({
        enterprise: ctx.model.identity.id,
        clientId: t.appKey,
        ...partition(),
        expires_in: expiresIn,
      });
    }
    const user = ctx.model.users.user(t.userIndex ?? 0);
    if (t.kind === 'three-legged') {
      return c.json({ ...threeLeggedScope(t), clientId: t.appKey, expires_in: expiresIn });
    }
    return c.json({
      user: user.id,
      ...(user.isEnterpriseAdmin ? { enterprise: ctx.model.identity.id } : {}),
      ...partition(),
      expires_in: expiresIn,
    });
  });

  // operationId: revokeAccessToken (also #Revoke_3Legged, which adds client credentials in the body;
  // SDKs send DELETE /oauth2/token?Revoke).
  app.delete('/oauth2/token', operation(ctx, 'revokeAccessToken', 'auth'), async (c) => {
    const token = c.req.query('access_token') || accessTokenOf(c);
    const t = token ? ctx.tokens.get(token) : undefined;
    if (!t || tokenProblem(ctx, t)) {
      return fail(
        c,
        400,
        'The access_token is unknown or already revoked; use GET /oauth2/tokenInfo to check a token',
      );
    }
    if (t.kind === 'three-legged') {
      const body = await readGrantBody(c);
      const appRecord =
        body?.client_id && body.client_secret
          ? ctx.apps.authenticate(body.client_id, body.client_secret)
          : undefined;
      if (!appRecord || appRecord.appKey !== t.appKey) {
        return fail(c, 400, '3-legged tokens are revoked with the client_id and client_secret in the body');
      }
    }
    t.revoked = true;
    return c.body(null, 204);
  });

  return app;
}
