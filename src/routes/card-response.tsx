/**
 * The card as a response: the model (with live sync progress while a sync runs)
 * and one URL's two shapes, the fragment for htmx and a page otherwise.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { buildCardModel, type CardOptions } from '../connections/card-model';
import { lastRevocation } from '../connections/revocation';
import type { ConnectionRow } from '../connections/store';
import type { AppEnv } from '../deps';
import { isHtmx } from '../lib/http-errors';
import { syncActivity } from '../sync/interrupted';
import { syncProgress } from '../sync/progress';
import { ConnectionCard, type ConnectionCardModel } from '../views/connection-card';
import { DisconnectConfirm } from '../views/disconnect-confirm';
import { Layout } from '../views/layout';

type Ctx = Context<AppEnv>;

/** The card model for a row; a syncing card carries its run's progress so every poll shows it. */
export async function loadCardModel(
  c: Ctx,
  row: ConnectionRow,
  options: Omit<CardOptions, 'now' | 'sync'> = {},
): Promise<ConnectionCardModel> {
  const { deps } = c.var;
  const now = deps.clock.now();
  const sync = row.state === 'syncing' ? await syncProgress(c.var.scope.db, row.id, now) : undefined;
  const interrupted = (await syncActivity(deps, row, now)).kind === 'interrupted';
  const revocation =
    row.state === 'disconnected' ? await lastRevocation(c.var.scope.db, row.orgId, row.id) : undefined;
  // Viewers see the card without its buttons (the routes refuse them anyway).
  const readOnly = options.readOnly ?? c.var.role !== 'admin';
  return buildCardModel(row, {
    ...options,
    now,
    ...(readOnly ? { readOnly } : {}),
    ...(interrupted ? { interrupted } : {}),
    ...(sync ? { sync } : {}),
    ...(revocation ? { revocation } : {}),
  });
}

/** The dashboard card: fragment for htmx, a small page otherwise. Never cached: it shows live state. */
export async function cardResponse(
  c: Ctx,
  row: ConnectionRow,
  notice?: string,
  status: ContentfulStatusCode = 200,
) {
  const model = await loadCardModel(c, row, notice ? { notice } : {});
  c.header('Cache-Control', 'no-store');
  if (isHtmx(c.req)) return c.html(<ConnectionCard model={model} />, status);
  return c.html(
    <Layout title="BlueJeans">
      <p>
        <a href="/">← Connections</a>
      </p>
      <ConnectionCard model={model} />
    </Layout>,
    status,
  );
}

/** The disconnect confirm step for a row, pointing at the dashboard's or the embed's URLs. */
export function disconnectConfirm(c: Ctx, row: ConnectionRow, urls: { disconnect: string; card: string }) {
  return (
    <DisconnectConfirm
      state={row.state}
      enterpriseName={row.enterpriseName}
      enterpriseId={row.enterpriseId}
      lastSyncedAt={row.lastSyncedAt}
      now={c.var.deps.clock.now()}
      urls={urls}
    />
  );
}
