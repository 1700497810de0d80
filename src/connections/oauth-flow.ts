/**
 * "Sign in with BlueJeans" (3-legged OAuth). The connector owns the signed,
 * stored, single-use `state`; this module keeps what the callback needs and the
 * browser must not read: the App Secret travels in a sealed, HttpOnly cookie
 * (purpose `oauth`) that also names the state, so a callback only completes in
 * the browser that started it (no one can finish their sign-in in yours).
 */

import type { AccountInfo, Credentials } from '../connectors/types';
import { ConnectorError } from '../connectors/types';
import { SealError } from '../lib/seal';
import { z } from '../lib/zlite';
import { recordAudit } from './audit';
import { assertSameEnterprise, auditFailure, ConnectFlowError, type FlowContext } from './connect';
import type { ConnectionRow } from './store';

export const OAUTH_PURPOSE = 'oauth';
export const OAUTH_COOKIE = 'seatwise_oauth';
export const CALLBACK_PATH = '/connections/bluejeans/oauth/callback';

const CookieSchema = z.object({
  state: z.string().min(1).max(2048),
  appKey: z.string().min(1).max(256),
  appSecret: z.string().min(1).max(512),
  expiresAt: z.number().int(),
  inviteId: z.string().max(64).optional(),
});
type OAuthCookie = z.infer<typeof CookieSchema>;

export interface StartInput {
  appKey: string;
  appSecret: string;
  redirectUri: string;
  inviteId?: string;
}

/** Issues the state and authorize URL, and the sealed cookie value that must come back with the callback. */
export async function startOAuth(
  ctx: FlowContext,
  connection: ConnectionRow,
  input: StartInput,
): Promise<{ url: string; cookie: string; maxAgeSeconds: number }> {
  const { url, state, expiresAt } = await ctx.connector.authorizeUrl({
    orgId: connection.orgId,
    connectionId: connection.id,
    redirectUri: input.redirectUri,
    appKey: input.appKey,
  });
  const payload: OAuthCookie = {
    state,
    appKey: input.appKey,
    appSecret: input.appSecret,
    expiresAt,
    ...(input.inviteId ? { inviteId: input.inviteId } : {}),
  };
  const cookie = await ctx.sealer.seal(JSON.stringify(payload), binding(connection));
  const now = ctx.clock.now();
  await recordAudit(ctx.db, {
    orgId: connection.orgId,
    connectionId: connection.id,
    actor: ctx.actor,
    action: 'connection.oauth_started',
    detail: { method: 'oauth', expiresAt },
    at: now,
  });
  return { url, cookie, maxAgeSeconds: Math.max(1, Math.ceil((expiresAt - now) / 1000)) };
}

export interface CallbackInput {
  state: string;
  code: string;
  cookie: string | undefined;
}

export interface CallbackResult {
  credentials: Credentials;
  account: AccountInfo;
  inviteId?: string;
}

const RESTART = 'Start again with "Sign in with BlueJeans".';

/** Checks the cookie against the state, lets the connector consume the state and exchange the code. */
export async function finishOAuth(
  ctx: FlowContext,
  connection: ConnectionRow,
  input: CallbackInput,
): Promise<CallbackResult> {
  const saved = await readCookie(ctx, connection, input.cookie);
  if (!saved) {
    throw await refuse(
      ctx,
      connection,
      new ConnectFlowError(
        `This sign-in was not started in this browser, or took longer than 10 minutes. Nothing was saved. ${RESTART}`,
        400,
      ),
    );
  }
  if (saved.state !== input.state) {
    throw await refuse(
      ctx,
      connection,
      new ConnectFlowError(
        `This sign-in does not match the one started here. Nothing was saved. ${RESTART}`,
        400,
      ),
    );
  }
  let result: Awaited<ReturnType<FlowContext['connector']['exchangeCode']>>;
  try {
    result = await ctx.connector.exchangeCode({
      orgId: connection.orgId,
      state: input.state,
      code: input.code,
      appKey: saved.appKey,
      appSecret: saved.appSecret,
    });
  } catch (err) {
    if (err instanceof ConnectorError)
      await auditFailure(ctx, connection, 'oauth', err, 'connection.oauth_failed');
    throw err;
  }
  if (result.connectionId !== null && result.connectionId !== connection.id) {
    throw await refuse(
      ctx,
      connection,
      new ConnectFlowError(`This sign-in was started for another connection. ${RESTART}`, 400),
    );
  }
  await assertSameEnterprise(ctx, connection, 'oauth', result.account);
  return {
    credentials: result.credentials,
    account: result.account,
    ...(saved.inviteId ? { inviteId: saved.inviteId } : {}),
  };
}

/** The OAuth error BlueJeans sent back (e.g. the admin clicked Deny), as an audited refusal. */
export async function vendorRefused(
  ctx: FlowContext,
  connection: ConnectionRow,
  error: string,
): Promise<ConnectFlowError> {
  const message =
    error === 'access_denied'
      ? `Access was not granted on the BlueJeans page, so nothing was saved. ${RESTART}`
      : `BlueJeans did not complete the sign-in (it answered "${error}"). Nothing was saved. ${RESTART}`;
  return refuse(ctx, connection, new ConnectFlowError(message, 400));
}

async function refuse(ctx: FlowContext, connection: ConnectionRow, err: ConnectFlowError) {
  await auditFailure(ctx, connection, 'oauth', err, 'connection.oauth_failed');
  return err;
}

async function readCookie(
  ctx: FlowContext,
  connection: ConnectionRow,
  value: string | undefined,
): Promise<OAuthCookie | undefined> {
  if (!value || value.length > 8192) return undefined;
  try {
    const parsed = CookieSchema.safeParse(JSON.parse(await ctx.sealer.unseal(value, binding(connection))));
    if (!parsed.success || parsed.data.expiresAt <= ctx.clock.now()) return undefined;
    return parsed.data;
  } catch (err) {
    if (err instanceof SealError || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

function binding(connection: ConnectionRow) {
  return { orgId: connection.orgId, connectionId: connection.id, purpose: OAUTH_PURPOSE };
}
