/**
 * What the BlueJeans connection routes share: their URLs, the per-request flow
 * context, the connection row, and the public origin used in links handed out
 * (OAuth redirect URI, invite links).
 */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { BLUEJEANS_URLS } from '../connections/card-model';
import type { FlowContext } from '../connections/connect';
import { CALLBACK_PATH } from '../connections/oauth-flow';
import { type ConnectionRow, getOrCreateConnection } from '../connections/store';
import type { AppEnv } from '../deps';
import { userError } from '../lib/http-errors';

export const BASE = '/connections/bluejeans';

/** Holds the sealed pending connect of a Sign in with BlueJeans between its callback and consent page. */
export const PENDING_COOKIE = 'seatwise_oauth_pending';
export const PENDING_COOKIE_PATH = `${BASE}/oauth`;
export const CONSENT_PATH = `${BASE}/oauth/consent`;

export const URLS = {
  ...BLUEJEANS_URLS,
  /** `POST` here verifies (and, on reconnect, saves): the public form contract (`appKey`, `appSecret`). */
  submit: BASE,
  confirm: `${BASE}/confirm`,
  cancel: `${BASE}/cancel`,
  callback: CALLBACK_PATH,
} as const;

type Ctx = Context<AppEnv>;

/** Services and identity for the connect services, from Deps and the request. */
export function flowContext(c: Ctx): FlowContext {
  const d = c.var.deps;
  return {
    db: c.var.scope.db,
    sealer: d.sealer,
    connector: d.bluejeans,
    clock: d.clock,
    logger: d.logger,
    orgId: c.var.scope.orgId,
    actor: c.var.actor,
  };
}

/** The organization's BlueJeans connection (created disconnected on first sight). */
export function loadConnection(c: Ctx): Promise<ConnectionRow> {
  return getOrCreateConnection(c.var.scope.db, c.var.scope.orgId, 'bluejeans');
}

/** This deployment's origin as the outside world reaches it: PUBLIC_URL behind a proxy, else the request's. */
export function publicOrigin(c: Ctx): string {
  const configured = c.var.deps.config.PUBLIC_URL;
  return configured ? new URL(configured).origin : new URL(c.req.url).origin;
}

export function redirectUri(c: Ctx): string {
  return `${publicOrigin(c)}${CALLBACK_PATH}`;
}

/** Credential forms are small; anything bigger is refused before it is parsed. */
export const formBodyLimit = bodyLimit({
  maxSize: 32 * 1024,
  onError: () => {
    throw userError(413, 'That form was far larger than any Seatwise form. Nothing was saved.');
  },
});
