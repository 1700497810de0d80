/**
 * GET /connections/bluejeans/oauth/callback: where BlueJeans sends the browser
 * back after "Sign in with BlueJeans". A top-level navigation, so it always
 * answers with a page or a redirect: a 303 to the consent step (first connect), a 303 to the dashboard
 * (reconnect), or the form with what went wrong. The code and state never stay in the address bar, so a
 * reload cannot replay a spent sign-in and show a false error under a working connection.
 *
 * GET /connections/bluejeans/oauth/consent: the consent step of a first connect, from the sealed pending
 * value the callback left in a short-lived cookie (ciphertext only, path-limited, HttpOnly).
 */
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { ConnectFlowError, modeFor, preparePending, saveCredentials } from '../connections/connect';
import { parsePublicConfig } from '../connections/credentials';
import { findInvite, InviteError, type InviteRow, usableInvite } from '../connections/invites';
import { finishOAuth, OAUTH_COOKIE, vendorRefused } from '../connections/oauth-flow';
import { openPending, PENDING_TTL_MS, PendingError } from '../connections/pending';
import { StaleConnectionError } from '../connections/state-machine';
import type { ConnectionRow } from '../connections/store';
import { ConnectorError } from '../connectors/types';
import type { AppEnv } from '../deps';
import { requireRole } from '../lib/roles';
import { z } from '../lib/zlite';
import { ConnectPage, FlowStop } from '../views/connect-page';
import { Consent } from '../views/consent';
import {
  BASE,
  CONSENT_PATH,
  flowContext,
  loadConnection,
  PENDING_COOKIE,
  PENDING_COOKIE_PATH,
  publicOrigin,
  URLS,
} from './connection-support';
import { formError } from './connections-connect';
import { done } from './flow-response';
import { validate } from './validate';

type Ctx = Context<AppEnv>;

const token = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^[A-Za-z0-9._~+/=-]+$/);

const CallbackQuery = z.object({
  code: token.optional(),
  state: token.optional(),
  error: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/)
    .optional(),
});

function oauthForm(c: Ctx, connection: ConnectionRow, err: ConnectorError | ConnectFlowError) {
  const stored = parsePublicConfig(connection.publicConfig);
  return formError(c, { connection, values: { method: 'oauth', appKey: stored.appKey } }, err);
}

function stop(c: Ctx, message: string, status: 400 | 409 | 410) {
  return c.html(
    <ConnectPage title="Connect BlueJeans">
      <FlowStop message={message} retryUrl={`${URLS.connect}?method=oauth`} retryLabel="Start again" />
    </ConnectPage>,
    status,
  );
}

export const oauthRoutes = new Hono<AppEnv>()
  .get('/oauth/consent', requireRole('admin'), async (c) => {
    const connection = await loadConnection(c);
    const sealed = getCookie(c, PENDING_COOKIE);
    // Already connected (a reload after Confirm) or nothing pending: the dashboard says where things stand.
    if (!sealed || modeFor(connection) !== 'connect') {
      if (sealed) deleteCookie(c, PENDING_COOKIE, { path: PENDING_COOKIE_PATH });
      return c.redirect('/', 303);
    }
    const ctx = flowContext(c);
    const now = ctx.clock.now();
    try {
      const pending = await openPending(
        ctx.sealer,
        sealed,
        { orgId: connection.orgId, connectionId: connection.id },
        now,
      );
      c.header('Cache-Control', 'no-store');
      return c.html(
        <ConnectPage title="Connect BlueJeans">
          <Consent
            account={pending.account}
            method="oauth"
            pending={sealed}
            expiresAt={pending.expiresAt}
            now={now}
            urls={{ confirm: URLS.confirm, cancel: URLS.cancel }}
          />
        </ConnectPage>,
      );
    } catch (err) {
      if (!(err instanceof PendingError)) throw err;
      deleteCookie(c, PENDING_COOKIE, { path: PENDING_COOKIE_PATH });
      return stop(c, `${err.message}`, 410);
    }
  })
  .get(
    '/oauth/callback',
    requireRole('admin'),
    validate('query', CallbackQuery, (result, c) => {
      if (!result.success) {
        return stop(c, 'This sign-in link was altered or damaged. Nothing was saved.', 400);
      }
    }),
    async (c) => {
      const query = c.req.valid('query');
      const ctx = flowContext(c);
      const connection = await loadConnection(c);
      const cookie = getCookie(c, OAUTH_COOKIE);
      // Single use in the browser too: whatever happens next, this sign-in cannot be finished twice.
      deleteCookie(c, OAUTH_COOKIE, { path: `${BASE}/oauth` });
      if (query.error) return oauthForm(c, connection, await vendorRefused(ctx, connection, query.error));
      if (!query.code || !query.state) {
        return stop(c, 'BlueJeans sent the browser back without a sign-in code. Nothing was saved.', 400);
      }

      let result: Awaited<ReturnType<typeof finishOAuth>>;
      let invite: InviteRow | undefined;
      try {
        result = await finishOAuth(ctx, connection, { state: query.state, code: query.code, cookie });
        if (result.inviteId) {
          const row = await findInvite(ctx.db, connection.orgId, result.inviteId);
          if (row) invite = usableInvite(row, ctx.clock.now());
        }
      } catch (err) {
        if (err instanceof ConnectorError || err instanceof ConnectFlowError)
          return oauthForm(c, connection, err);
        if (err instanceof InviteError) return stop(c, err.message, 410);
        throw err;
      }

      if (modeFor(connection) === 'connect') {
        const pending = await preparePending(ctx, connection, {
          credentials: result.credentials,
          account: result.account,
          ...(invite ? { inviteId: invite.id } : {}),
        });
        setCookie(c, PENDING_COOKIE, pending.sealed, {
          httpOnly: true,
          sameSite: 'Lax',
          secure: publicOrigin(c).startsWith('https:'),
          path: PENDING_COOKIE_PATH,
          maxAge: Math.floor(PENDING_TTL_MS / 1000),
        });
        return c.redirect(CONSENT_PATH, 303);
      }
      try {
        await saveCredentials(ctx, {
          connection,
          credentials: result.credentials,
          account: result.account,
          ...(invite ? { invite } : {}),
        });
      } catch (err) {
        if (err instanceof StaleConnectionError) {
          return stop(c, 'The connection changed while saving. Nothing was saved: sign in again.', 409);
        }
        throw err;
      }
      return done(c, 'reconnected');
    },
  );
