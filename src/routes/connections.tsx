/**
 * The BlueJeans connection routes, mounted under /connections/bluejeans:
 * the card fragment, Disconnect, and (from their own files) the connect flow,
 * the OAuth callback, invites and the activity log.
 */
import { Hono } from 'hono';
import { ConnectFlowError } from '../connections/connect';
import { disconnect } from '../connections/disconnect';
import type { AppEnv } from '../deps';
import { isHtmx, userError } from '../lib/http-errors';
import { requireRole } from '../lib/roles';
import { z } from '../lib/zlite';
import { Layout } from '../views/layout';
import { auditRoutes } from './audit';
import { cardResponse, disconnectConfirm } from './card-response';
import { BASE, flowContext, formBodyLimit, loadConnection, URLS } from './connection-support';
import { connectRoutes } from './connections-connect';
import { NOTICES } from './flow-response';
import { inviteRoutes } from './invites';
import { oauthRoutes } from './oauth';
import { validate } from './validate';

/** The card alone for htmx; the card on a page of its own otherwise. */
/** The data choice is explicit: a bodiless POST must not disconnect on a default. */
const DisconnectSchema = z.object({
  data: z.enum(['keep', 'delete'], { error: 'Choose whether to keep or delete the synced data.' }),
});

const cardRoutes = new Hono<AppEnv>()
  .get('/card', requireRole('viewer'), async (c) => {
    c.header('Cache-Control', 'no-store');
    return cardResponse(c, await loadConnection(c));
  })
  .get('/disconnect', requireRole('admin'), async (c) => {
    const row = await loadConnection(c);
    if (row.state === 'disconnected') return cardResponse(c, row, 'BlueJeans is not connected.');
    const confirm = disconnectConfirm(c, row, { disconnect: URLS.disconnect, card: URLS.card });
    if (isHtmx(c.req)) return c.html(confirm);
    return c.html(
      <Layout title="Disconnect BlueJeans">
        <p>
          <a href="/">← Connections</a>
        </p>
        {confirm}
      </Layout>,
    );
  })
  .post(
    '/disconnect',
    requireRole('admin'),
    formBodyLimit,
    validate('form', DisconnectSchema, (result) => {
      if (!result.success)
        throw userError(400, 'Choose whether to keep or delete the synced data (data=keep or data=delete).');
    }),
    async (c) => {
      const keepData = c.req.valid('form').data === 'keep';
      const connection = await loadConnection(c);
      try {
        await disconnect(flowContext(c), { connection, keepData });
      } catch (err) {
        if (err instanceof ConnectFlowError)
          return cardResponse(c, await loadConnection(c), err.message, err.status);
        throw err;
      }
      const notice = keepData ? 'disconnected' : 'disconnected-deleted';
      if (!isHtmx(c.req)) return c.redirect(`/?notice=${notice}`, 303);
      return cardResponse(c, await loadConnection(c), NOTICES[notice]);
    },
  );

export const connectionRoutes = new Hono<AppEnv>().route(
  BASE,
  new Hono<AppEnv>()
    .route('/', cardRoutes)
    .route('/', connectRoutes)
    .route('/', oauthRoutes)
    .route('/', inviteRoutes)
    .route('/', auditRoutes),
);
