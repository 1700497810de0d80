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

/** `POST` starts a sync ("Sync now"); `GET` answers the card with the live progress of the run. */
export const SYNC_NOW_URL = '/connections/bluejeans/sync';

/** While a sync runs the card refreshes this often; idle cards do not poll at all. */
export const SYNCING_POLL_SECONDS = 3;

export interface CardOptions {
  now: number;
  urls?: CardUrls;
  sync?: SyncProgress;
  interrupted?: boolean;
  canSyncNow?: boolean;
  readOnly?: boolean;
  notice?: string;
  revocation?: ConnectionCardModel['revocation'];
}

export function buildCardModel(row: ConnectionRow, options: CardOptions): ConnectionCardModel {
  const config = parsePublicConfig(row.publicConfig);
  // The dashboard's card can start a sync; other callers (embed) opt in with their own urls.
  const urls = options.urls ?? { ...BLUEJEANS_URLS, syncNow: SYNC_NOW_URL };
  const expired = config.credentialsExpireAt != null && config.credentialsExpireAt <= options.now;
  const canSyncNow = options.canSyncNow ?? (Boolean(row.sealedCredentials) && !expired);
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
    urls,
    ...(row.state === 'syncing' ? { pollSeconds: SYNCING_POLL_SECONDS } : {}),
    ...(options.sync ? { sync: options.sync } : {}),
    ...(options.interrupted && row.state === 'syncing' ? { interrupted: true } : {}),
    canSyncNow,
    ...(options.readOnly ? { readOnly: true } : {}),
    ...(options.notice ? { notice: options.notice } : {}),
    ...(options.revocation && row.state === 'disconnected' ? { revocation: options.revocation } : {}),
  };
}
