/**
 * Turns a connection row into what the card shows. Pure: the route reads the
 * row, this decides what of it is shown and whether the card keeps refreshing.
 */
import type { CardUrls, ConnectionCardModel, SyncProgress } from '../views/connection-card';
import { parsePublicConfig } from './credentials';
import type { ConnectionRow } from './store';

/** The dashboard's own URLs; the embed route passes others. */
export const BLUEJEANS_URLS: CardUrls = {
  card: '/connections/bluejeans/card',
  connect: '/connections/bluejeans/connect',
  disconnect: '/connections/bluejeans/disconnect',
  audit: '/connections/bluejeans/audit',
  invite: '/connections/bluejeans/invites',
};

/** While a sync runs the card refreshes this often; idle cards do not poll at all. */
export const SYNCING_POLL_SECONDS = 3;

export interface CardOptions {
  now: number;
  urls?: CardUrls;
  sync?: SyncProgress;
  canSyncNow?: boolean;
  readOnly?: boolean;
  notice?: string;
}

export function buildCardModel(row: ConnectionRow, options: CardOptions): ConnectionCardModel {
  const config = parsePublicConfig(row.publicConfig);
  return {
    vendor: 'bluejeans',
    state: row.state,
    now: options.now,
    enterpriseId: row.enterpriseId,
    enterpriseName: row.enterpriseName,
    accountLabel: config.accountLabel ?? null,
    method: row.authMethod,
    lastSyncedAt: row.lastSyncedAt,
    dataAsOf: row.dataAsOf,
    nextSyncAt: row.nextSyncAt,
    lastError: row.lastError,
    credentialsExpireAt: config.credentialsExpireAt ?? null,
    urls: options.urls ?? BLUEJEANS_URLS,
    ...(row.state === 'syncing' ? { pollSeconds: SYNCING_POLL_SECONDS } : {}),
    ...(options.sync ? { sync: options.sync } : {}),
    ...(options.canSyncNow !== undefined ? { canSyncNow: options.canSyncNow } : {}),
    ...(options.readOnly ? { readOnly: true } : {}),
    ...(options.notice ? { notice: options.notice } : {}),
  };
}
