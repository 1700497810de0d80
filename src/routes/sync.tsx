/**
 * Sync routes under /connections/bluejeans: `POST /sync` ("Sync now") and `GET /sync`, the card with the
 * live progress of the running sync. Both answer the card fragment for htmx; a plain form post is
 * redirected to the dashboard (303), the plain GET gets the card on a page.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../deps';
import { isHtmx } from '../lib/http-errors';
import { requireRole } from '../lib/roles';
import { requestSyncNow } from '../sync/sync-now';
import { cardResponse } from './card-response';
import { BASE, loadConnection } from './connection-support';

/** Why Sync now was refused, written for the admin (the embed's Sync now says the same). */
export const SYNC_REFUSED: Record<'not_connected' | 'needs_reauth' | 'paused', string> = {
  not_connected: 'BlueJeans is not connected, so there is nothing to sync. Connect it first.',
  needs_reauth: 'BlueJeans no longer accepts the saved credentials. Reconnect before syncing.',
  paused: 'Syncing is paused for this connection. Resume it before syncing.',
};

export const syncRoutes = new Hono<AppEnv>()
  .get(`${BASE}/sync`, requireRole('viewer'), async (c) => cardResponse(c, await loadConnection(c)))
  .post(`${BASE}/sync`, requireRole('admin'), async (c) => {
    const row = await loadConnection(c);
    const result = await requestSyncNow(c.var.deps, row, c.var.actor);
    if (!result.started && result.reason !== 'running') {
      return cardResponse(c, result.row, SYNC_REFUSED[result.reason], 409);
    }
    if (!isHtmx(c.req)) return c.redirect('/', 303);
    const notice = result.started
      ? result.resumed
        ? 'The interrupted sync resumed where it stopped.'
        : 'Sync started.'
      : 'A sync is already running.';
    return cardResponse(c, await loadConnection(c), notice);
  });
