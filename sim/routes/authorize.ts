import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { SimContext, SimEnv } from '../context';
import { DEMO_ADMIN } from '../data/users';
import { fail } from '../http';
import { passwordLogin, THREE_LEGGED_SCOPES } from './oauth';
import { operation } from './operation';

/** The parameters of an authorization request, as the spec names them. */
interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  state: string;
  scope: string;
  responseType: string;
  appName: string;
}

const DEFAULT_SCOPES = 'list_meetings,meeting_history,user_info';

function readParams(get: (name: string) => string | undefined): AuthorizeParams {
  return {
    clientId: get('clientId') ?? '',
    redirectUri: get('redirectUri') ?? '',
    state: get('state') ?? '',
    scope: get('scope') || DEFAULT_SCOPES,
    responseType: get('responseType') || 'code',
    appName: get('appName') ?? '',
  };
}

/** Why the request cannot be shown a consent page, or undefined when it can. */
function invalid(ctx: SimContext, p: AuthorizeParams): string | undefined {
  const app = ctx.apps.get(p.clientId);
  if (!app || app.revoked) return 'Unknown clientId';
  if (p.responseType !== 'code') return 'responseType must be code';
  let url: URL;
  try {
    url = new URL(p.redirectUri);
  } catch {
    return 'redirectUri must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'redirectUri must be http or https';
  const unknown = scopesOf(p).filter((s) => !THREE_LEGGED_SCOPES.includes(s));
  if (unknown.length > 0) return `Unknown scope: ${unknown.join(', ')}`;
  return undefined;
}

function scopesOf(p: AuthorizeParams): string[] {
  return p.scope
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function redirectTo(p: AuthorizeParams, params: Record<string, string>): string {
  const url = new URL(p.redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (p.state) url.searchParams.set('state', p.state);
  return url.toString();
}

function page(c: Context<SimEnv>, p: AuthorizeParams, appName: string, error?: string) {
  const scopes = scopesOf(p);
  return c.html(
    html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>BlueJeans - Authorize ${appName}</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 3rem auto; color: #1d2b3a; }
      label { display: block; margin: 0.75rem 0 0.25rem; }
      input[type='text'], input[type='password'] { width: 100%; padding: 0.4rem; box-sizing: border-box; }
      .error { color: #a40000; }
      .actions { margin-top: 1.25rem; display: flex; gap: 0.5rem; }
    </style>
  </head>
  <body>
    <h1>Sign in to BlueJeans</h1>
    <p><strong>${appName}</strong> would like to access your BlueJeans account:</p>
    <ul>
      ${scopes.map((s) => html`<li>${s}</li>`)}
    </ul>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form method="post" action="/oauth2/authorize">
      <input type="hidden" name="clientId" value="${p.clientId}" />
      <input type="hidden" name="redirectUri" value="${p.redirectUri}" />
      <input type="hidden" name="state" value="${p.state}" />
      <input type="hidden" name="scope" value="${p.scope}" />
      <input type="hidden" name="responseType" value="${p.responseType}" />
      <input type="hidden" name="appName" value="${p.appName}" />
      <label for="username">Username</label>
      <input id="username" name="username" type="text" autocomplete="username" value="${DEMO_ADMIN.username}" />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" />
      <div class="actions">
        <button type="submit" name="decision" value="allow">Allow</button>
        <button type="submit" name="decision" value="deny">Deny</button>
      </div>
    </form>
  </body>
</html>`,
    error ? 401 : 200,
  );
}

/** The browser side of the 3-legged flow: a login + consent page that redirects back with a code. */
export function authorizeRoutes(ctx: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  const appNameOf = (p: AuthorizeParams) => p.appName || ctx.apps.get(p.clientId)?.name || p.clientId;

  // operationId: getAuthorizationCode ("not a true REST endpoint": a page for the user's browser)
  app.get('/oauth2/authorize', operation(ctx, 'getAuthorizationCode', 'auth'), (c) => {
    const p = readParams((n) => c.req.query(n));
    const problem = invalid(ctx, p);
    if (problem) return fail(c, 400, problem);
    return page(c, p, appNameOf(p));
  });

  // The consent form's submission (part of getAuthorizationCode's page, not a separate spec operation).
  app.post('/oauth2/authorize', operation(ctx, 'getAuthorizationCode', 'auth'), async (c) => {
    const form = await c.req.parseBody();
    const get = (n: string) => {
      const v = form[n];
      return typeof v === 'string' ? v : undefined;
    };
    const p = readParams(get);
    const problem = invalid(ctx, p);
    if (problem) return fail(c, 400, problem);
    if (get('decision') !== 'allow') return c.redirect(redirectTo(p, { error: 'access_denied' }), 302);
    const userIndex = passwordLogin(ctx, get('username') ?? '', get('password') ?? '');
    if (userIndex === undefined) return page(c, p, appNameOf(p), 'Incorrect username or password.');
    const code = ctx.codes.issue(
      { clientId: p.clientId, redirectUri: p.redirectUri, userIndex, scopes: scopesOf(p) },
      ctx.now(),
    );
    return c.redirect(redirectTo(p, { code: code.code }), 302);
  });

  return app;
}
