/**
 * /embed/*: the Connections card inside a host portal's iframe.
 *
 * GET /embed/card?token=  verifies the host's token, sets the partitioned session
 *                         cookie and redirects (303) to /embed/card, so the token
 *                         leaves the URL (history, referrers) at once.
 * GET /embed/card         the card for the session (fragment when htmx asks).
 * GET /embed/open/:page   no-JS fallback: a link that opens Seatwise outside the frame.
 * GET|POST /embed/disconnect  admins only, the same confirm step as the dashboard.
 */
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ConnectFlowError } from '../connections/connect';
import { disconnect } from '../connections/disconnect';
import type { ConnectionRow } from '../connections/store';
import type { AppEnv } from '../deps';
import { admitEmbedToken } from '../embed/landing';
import { EmbedMessage, EmbedPage, OpenOutside } from '../embed/pages';
import { type EmbedSession, sealSession, sessionSecret, setSessionCookie } from '../embed/session';
import { EmbedTokenError } from '../embed/token';
import { isHtmx } from '../lib/http-errors';
import { requireRole } from '../lib/roles';
import { z } from '../lib/zlite';
import { frameOrigins } from '../orgs/settings';
import { requestSyncNow } from '../sync/sync-now';
import { type CardUrls, ConnectionCard } from '../views/connection-card';
import { ErrorFragment } from '../views/error-pages';
import { disconnectConfirm, loadCardModel } from './card-response';
import { flowContext, formBodyLimit, loadConnection, URLS } from './connection-support';
import { errorHandler } from './errors';
import { NOTICES } from './flow-response';
import { SYNC_REFUSED } from './sync';
import { validate } from './validate';

type Ctx = Context<AppEnv>;

/** The card's buttons lead to embed routes; nothing in the frame navigates to a non-embed page. */
export const EMBED_URLS: CardUrls = {
  card: '/embed/card',
  connect: '/embed/open/connect',
  disconnect: '/embed/disconnect',
  audit: '/embed/open/audit',
  invite: '/embed/open/invites',
  syncNow: '/embed/sync',
};

/** Pages an admin may open outside the frame (public/assets/embed.js holds the same map). */
const OUTSIDE = {
  connect: { label: 'Connect BlueJeans', href: URLS.connect },
  audit: { label: 'Activity log', href: URLS.audit },
  invites: { label: 'Invite your BlueJeans admin', href: URLS.invite },
} as const;

function refuse(c: Ctx, status: ContentfulStatusCode, title: string, message: string, forDeveloper = false) {
  if (isHtmx(c.req)) return c.html(<ErrorFragment message={message} />, status);
  return c.html(<EmbedMessage title={title} message={message} forDeveloper={forDeveloper} />, status);
}

/** The session requireRole admitted (every embed route but the token landing declares a role). */
function session(c: Ctx): EmbedSession {
  const s = c.var.embedSession;
  if (!s) throw new Error('embed route reached without a session: it must declare a role');
  return s;
}

/** `/embed/card?token=` signs the frame in, so it needs no session yet. */
const landing = (c: Ctx) => c.req.query('token') !== undefined;

async function cardResponse(
  c: Ctx,
  row: ConnectionRow,
  session: EmbedSession,
  notice?: string,
  status: ContentfulStatusCode = 200,
) {
  const model = await loadCardModel(c, row, {
    urls: EMBED_URLS,
    readOnly: session.role === 'viewer',
    ...(notice ? { notice } : {}),
  });
  if (isHtmx(c.req)) return c.html(<ConnectionCard model={model} />, status);
  return c.html(
    <EmbedPage title="BlueJeans">
      <ConnectionCard model={model} />
    </EmbedPage>,
    status,
  );
}

const DisconnectSchema = z.object({ data: z.enum(['keep', 'delete']) });

export const embedRoutes = new Hono<AppEnv>()
  .use('/embed/*', async (c, next) => {
    if (!sessionSecret(c.var.deps)) {
      return refuse(
        c,
        404,
        'Embedding is off',
        'Embedding is off on this Seatwise deployment: its operator has set neither EMBED_SECRET nor EMBED_JWKS_URL.',
        true,
      );
    }
    await next();
  })
  .get('/embed/card', requireRole('viewer', { unless: landing }), async (c) => {
    const token = c.req.query('token');
    if (token !== undefined) {
      const { deps } = c.var;
      try {
        const { claims, org } = await admitEmbedToken(deps, token);
        c.set('embedFrameOrigins', frameOrigins(org.settings, deps.config));
        // The session names the organization by id: a slug reused later cannot inherit it.
        const secret = sessionSecret(deps)!;
        setSessionCookie(c, await sealSession({ ...claims, org: org.id }, secret, deps.clock.now()));
      } catch (err) {
        if (!(err instanceof EmbedTokenError)) throw err;
        return refuse(c, err.status, 'This card cannot be shown', err.message, true);
      }
      return c.redirect('/embed/card', 303);
    }
    return cardResponse(c, await loadConnection(c), session(c));
  })
  .get('/embed/open/:page{connect|audit|invites}', requireRole('admin'), (c) => {
    const page = OUTSIDE[c.req.param('page') as keyof typeof OUTSIDE];
    return c.html(<OpenOutside label={page.label} href={page.href} />);
  })
  .get('/embed/disconnect', requireRole('admin'), async (c) => {
    const row = await loadConnection(c);
    if (row.state === 'disconnected') return cardResponse(c, row, session(c), 'BlueJeans is not connected.');
    const confirm = disconnectConfirm(c, row, { disconnect: EMBED_URLS.disconnect, card: EMBED_URLS.card });
    if (isHtmx(c.req)) return c.html(confirm);
    return c.html(<EmbedPage title="Disconnect BlueJeans">{confirm}</EmbedPage>);
  })
  .post(
    '/embed/disconnect',
    requireRole('admin'),
    formBodyLimit,
    validate('form', DisconnectSchema, (result) => {
      if (!result.success)
        throw new HTTPException(400, {
          message: 'Choose whether to keep or delete the synced data (data=keep or data=delete).',
        });
    }),
    async (c) => {
      const keepData = c.req.valid('form').data === 'keep';
      const connection = await loadConnection(c);
      try {
        await disconnect(flowContext(c), { connection, keepData });
      } catch (err) {
        if (!(err instanceof ConnectFlowError)) throw err;
        return cardResponse(c, await loadConnection(c), session(c), err.message);
      }
      if (!isHtmx(c.req)) return c.redirect('/embed/card', 303);
      const notice = NOTICES[keepData ? 'disconnected' : 'disconnected-deleted'];
      return cardResponse(c, await loadConnection(c), session(c), notice);
    },
  )
  .post('/embed/sync', requireRole('admin'), async (c) => {
    const result = await requestSyncNow(c.var.deps, await loadConnection(c), c.var.actor);
    if (!result.started && result.reason !== 'running') {
      return cardResponse(c, result.row, session(c), SYNC_REFUSED[result.reason], 409);
    }
    if (!isHtmx(c.req)) return c.redirect('/embed/card', 303);
    const notice = result.started
      ? result.resumed
        ? 'The interrupted sync resumed where it stopped.'
        : 'Sync started.'
      : 'A sync is already running.';
    return cardResponse(c, await loadConnection(c), session(c), notice);
  })
  .onError((err, c) => {
    // Refusals stay in the embed layout (no links into the app the frame cannot show).
    if (err instanceof HTTPException && err.status < 500) {
      return refuse(c, err.status, 'This card cannot be shown', err.message || 'That request was refused.');
    }
    return errorHandler(c.var.deps.logger)(err, c);
  });
