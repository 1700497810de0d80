/**
 * Connecting and reconnecting: verify with the connector first, then seal and
 * save through the state machine. A first connect waits for consent (see
 * pending.ts); a reconnect saves at once into the same row, so settings and
 * synced history stay where they are.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connectionTokens } from '../../db/schema';
import type { AccountInfo, Connector, Credentials } from '../connectors/types';
import { ConnectorError } from '../connectors/types';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Sealer } from '../lib/seal';
import { prepareDataKey, preparedVault, storeDataKey } from '../lib/vault';
import { recordAudit } from './audit';
import type { FormField } from './connect-form';
import { publicConfigOf, sealCredentialsIn } from './credentials';
import { findInvite, type InviteRow, usableInvite, useInviteStatements } from './invites';
import { openPending, type PendingConnect, sealPending } from './pending';
import { StaleConnectionError, transition } from './state-machine';
import type { ConnectionRow } from './store';

/** What the connect services need, taken from Deps and the request. */
export interface FlowContext {
  db: Db;
  sealer: Sealer;
  connector: Connector;
  clock: Clock;
  logger: Logger;
  orgId: string;
  actor: string;
}

/** A refusal written for the admin, with the field it belongs next to when there is one. */
export class ConnectFlowError extends Error {
  override readonly name = 'ConnectFlowError';
  constructor(
    message: string,
    readonly status: 400 | 409 | 410 | 422,
    readonly field?: FormField,
  ) {
    super(message);
  }
}

/** A disconnected connection is connected (with consent); any other is reconnected in place. */
export type ConnectMode = 'connect' | 'reconnect';
export function modeFor(connection: Pick<ConnectionRow, 'state'>): ConnectMode {
  return connection.state === 'disconnected' ? 'connect' : 'reconnect';
}

/** The form field that identifies the account for each method (where account-level messages go). */
export function identityField(method: Credentials['method']): FormField {
  if (method === 'password') return 'username';
  if (method === 'access_token') return 'accessToken';
  return 'appKey';
}

/** Verifies credentials with the connector; failures are audited (never with a secret) and re-thrown. */
export async function verifyCredentials(
  ctx: FlowContext,
  connection: ConnectionRow,
  credentials: Credentials,
): Promise<AccountInfo> {
  let account: AccountInfo;
  try {
    account = await ctx.connector.verify(credentials);
  } catch (err) {
    if (err instanceof ConnectorError) await auditFailure(ctx, connection, credentials.method, err);
    throw err;
  }
  await assertSameEnterprise(ctx, connection, credentials.method, account);
  return account;
}

/** Records a failed attempt to connect: which method, what went wrong, where. */
export async function auditFailure(
  ctx: FlowContext,
  connection: ConnectionRow,
  method: Credentials['method'],
  err: ConnectorError | ConnectFlowError,
  action: 'connection.verify_failed' | 'connection.oauth_failed' = 'connection.verify_failed',
): Promise<void> {
  const code = err instanceof ConnectorError ? err.code : 'refused';
  await recordAudit(ctx.db, {
    orgId: connection.orgId,
    connectionId: connection.id,
    actor: ctx.actor,
    action,
    detail: { method, code, field: err.field, mode: modeFor(connection), message: err.message },
    at: ctx.clock.now(),
  });
  ctx.logger.warn('connect: refused', { connectionId: connection.id, method, code });
}

/**
 * Synced rows are keyed by connection, not by enterprise: credentials of another enterprise would mix
 * two accounts' history in one place, so they are refused while this connection still holds data.
 */
export async function assertSameEnterprise(
  ctx: FlowContext,
  connection: ConnectionRow,
  method: Credentials['method'],
  account: AccountInfo,
): Promise<void> {
  if (!connection.enterpriseId || connection.enterpriseId === account.enterpriseId) return;
  const err = new ConnectFlowError(
    `These credentials belong to BlueJeans enterprise ${account.enterpriseId}, but this connection holds data of enterprise ${connection.enterpriseId}. Use credentials of enterprise ${connection.enterpriseId}, or disconnect and delete its synced data first.`,
    422,
    identityField(method),
  );
  await auditFailure(ctx, connection, method, err);
  throw err;
}

export interface SaveInput {
  connection: ConnectionRow;
  credentials: Credentials;
  account: AccountInfo;
  /** The version the save expects (a pending consent's); the row's own when absent. */
  expectedVersion?: number;
  invite?: InviteRow;
}

/** Seals and saves verified credentials; connects or reconnects by the row's state. */
export async function saveCredentials(ctx: FlowContext, input: SaveInput): Promise<ConnectionRow> {
  const { connection, credentials, account } = input;
  const now = ctx.clock.now();
  const mode = modeFor(connection);
  // New credentials get a new data key: anything sealed under the old one (tokens) stops opening.
  const binding = { orgId: connection.orgId, connectionId: connection.id };
  const dataKey = await prepareDataKey(ctx.sealer, binding);
  const sealed = await sealCredentialsIn(preparedVault(dataKey, binding), credentials);
  const also = [
    storeDataKey(ctx.db, connection.id, dataKey),
    // A token minted from the old credentials must not outlive them.
    ctx.db.delete(connectionTokens).where(eq(connectionTokens.connectionId, connection.id)),
    ...(input.invite
      ? useInviteStatements(ctx.db, input.invite, { actor: ctx.actor, connectionId: connection.id, at: now })
      : []),
  ];
  const row = await transition(ctx.db, {
    connection: { ...connection, version: input.expectedVersion ?? connection.version },
    to: 'connected',
    actor: ctx.actor,
    action: mode === 'connect' ? 'connection.connected' : 'connection.reconnected',
    detail: {
      method: credentials.method,
      enterpriseId: account.enterpriseId,
      account: account.accountLabel,
      inviteId: input.invite?.id,
    },
    set: {
      authMethod: credentials.method,
      sealedCredentials: sealed,
      publicConfig: JSON.stringify(publicConfigOf(credentials, account)),
      enterpriseId: account.enterpriseId,
      enterpriseName: account.enterpriseName ?? connection.enterpriseName,
      lastError: null,
      lastErrorAt: null,
      consecutiveFailures: 0,
      // Due at once: the next cron (or queue) run starts the first sync, or catches up after a reconnect.
      nextSyncAt: now,
      ...(mode === 'connect' ? { connectedAt: now } : {}),
    },
    also,
    now,
  });
  ctx.logger.info(mode === 'connect' ? 'connection connected' : 'connection reconnected', {
    connectionId: connection.id,
    method: credentials.method,
    enterpriseId: account.enterpriseId,
  });
  return row;
}

/** Seals verified credentials for the consent page (first connect only). */
export async function preparePending(
  ctx: FlowContext,
  connection: ConnectionRow,
  pending: Omit<PendingConnect, 'expiresAt' | 'version'>,
): Promise<{ sealed: string; expiresAt: number }> {
  return sealPending(
    ctx.sealer,
    { orgId: connection.orgId, connectionId: connection.id },
    { ...pending, version: connection.version },
    ctx.clock.now(),
  );
}

export const ALREADY_SAVED =
  'This connection was already saved (the form was probably sent twice). Nothing else was changed.';

/** Consent given: re-checks the pending value, its invite and the row, then saves. */
export async function confirmPending(
  ctx: FlowContext,
  connection: ConnectionRow,
  sealedPending: string,
): Promise<ConnectionRow> {
  const now = ctx.clock.now();
  const pending = await openPending(
    ctx.sealer,
    sealedPending,
    { orgId: connection.orgId, connectionId: connection.id },
    now,
  );
  if (connection.state !== 'disconnected' || connection.version !== pending.version) {
    throw new ConnectFlowError(ALREADY_SAVED, 409);
  }
  let invite: InviteRow | undefined;
  if (pending.inviteId) {
    const row = await findInvite(ctx.db, connection.orgId, pending.inviteId);
    if (!row)
      throw new ConnectFlowError('The invite this connection was started from no longer exists.', 410);
    invite = usableInvite(row, now);
  }
  try {
    return await saveCredentials(ctx, {
      connection,
      credentials: pending.credentials,
      account: pending.account,
      expectedVersion: pending.version,
      ...(invite ? { invite } : {}),
    });
  } catch (err) {
    if (!(err instanceof StaleConnectionError)) throw err;
    // The invite may have been revoked or used between the check and the save: say so if it was.
    const fresh = invite && (await findInvite(ctx.db, connection.orgId, invite.id));
    if (fresh) usableInvite(fresh, now);
    throw new ConnectFlowError(ALREADY_SAVED, 409);
  }
}
