/**
 * Disconnecting: revoke the token at BlueJeans (best effort: a vendor that is
 * down or gone must not keep an admin from disconnecting), then erase the sealed
 * credentials and cached token, destroy the connection's data key (so no old copy
 * of their ciphertext opens again, even with the key ring), and, only if the admin chose so, the synced
 * data of this connection. Keeping data is the default: the vendor is being
 * sunset and this history may soon exist nowhere else.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { eraseUsageStatements } from '../../db/queries/rollups';
import {
  bjDailyUsage,
  bjMeetingHistory,
  bjMeetings,
  bjParticipants,
  bjUsers,
  connectionTokens,
  syncCheckpoints,
} from '../../db/schema';
import type { Credentials, RevocationOutcome, RevokeResult } from '../connectors/types';
import { SealError } from '../lib/seal';
import { destroyDataKey } from '../lib/vault';
import { ConnectFlowError, type FlowContext } from './connect';
import { openCredentials } from './credentials';
import { revocationDetail } from './revocation';
import { StaleConnectionError, transition } from './state-machine';
import { type ConnectionRow, getConnectionById } from './store';

export interface DisconnectInput {
  connection: ConnectionRow;
  keepData: boolean;
}

export interface DisconnectResult {
  connection: ConnectionRow;
  revoke: RevokeResult;
}

export const ALREADY_DISCONNECTED = 'BlueJeans is already disconnected. Nothing was changed.';

export async function disconnect(ctx: FlowContext, input: DisconnectInput): Promise<DisconnectResult> {
  const { connection } = input;
  if (connection.state === 'disconnected') throw new ConnectFlowError(ALREADY_DISCONNECTED, 409);
  const revoke = await revokeBestEffort(ctx, connection);
  const id = connection.id;
  // Erased secrets must not linger in free pages: zero what the erase frees (embedded file only).
  await pragma(ctx.db, 'PRAGMA secure_delete = ON');
  const now = ctx.clock.now();
  const eraseData = input.keepData
    ? []
    : [
        // What the usage pages built from the raw rows (names and e-mails included) goes with them;
        // first, so the raw tables' delete triggers find no rollup left to take their shares from.
        ...eraseUsageStatements(ctx.db, id),
        ctx.db.delete(bjParticipants).where(eq(bjParticipants.connectionId, id)),
        ctx.db.delete(bjMeetingHistory).where(eq(bjMeetingHistory.connectionId, id)),
        ctx.db.delete(bjMeetings).where(eq(bjMeetings.connectionId, id)),
        ctx.db.delete(bjDailyUsage).where(eq(bjDailyUsage.connectionId, id)),
        ctx.db.delete(bjUsers).where(eq(bjUsers.connectionId, id)),
        // Checkpoints describe the deleted rows: left behind, a later sync would skip refetching them.
        ctx.db.delete(syncCheckpoints).where(eq(syncCheckpoints.connectionId, id)),
      ];
  try {
    const row = await transition(ctx.db, {
      connection,
      to: 'disconnected',
      actor: ctx.actor,
      action: 'connection.disconnected',
      detail: { dataKept: input.keepData, ...revocationDetail(revoke), dataKeyDestroyed: true },
      set: {
        authMethod: null,
        sealedCredentials: null,
        nextSyncAt: null,
        lastError: null,
        lastErrorAt: null,
        consecutiveFailures: 0,
        ...(input.keepData
          ? {}
          : {
              enterpriseId: null,
              enterpriseName: null,
              lastSyncedAt: null,
              lastSyncStartedAt: null,
              dataAsOf: null,
            }),
      },
      also: [
        ctx.db.delete(connectionTokens).where(eq(connectionTokens.connectionId, id)),
        // Without its data key no copy of this connection's sealed secrets opens again, wherever it lingers.
        destroyDataKey(ctx.db, id),
        ...eraseData,
      ],
      now,
    });
    // ...nor in the write-ahead log: copy it into the file and truncate it to nothing.
    await pragma(ctx.db, 'PRAGMA wal_checkpoint(TRUNCATE)');
    ctx.logger.info('connection disconnected', { connectionId: id, dataKept: input.keepData });
    return { connection: row, revoke };
  } catch (err) {
    if (err instanceof StaleConnectionError) {
      const fresh = await getConnectionById(ctx.db, connection.orgId, id);
      if (fresh?.state === 'disconnected') throw new ConnectFlowError(ALREADY_DISCONNECTED, 409);
      throw new ConnectFlowError(
        'The connection changed while disconnecting (perhaps Disconnect was clicked twice). Check its state and try again if needed.',
        409,
      );
    }
    throw err;
  }
}

/** Runs a pragma of the embedded engine; remote libSQL (Turso) may refuse it, which changes nothing here. */
async function pragma(db: Db, statement: string): Promise<void> {
  try {
    await db.run(sql.raw(statement));
  } catch {
    // Not an embedded file: Turso keeps its own storage.
  }
}

/** Asks BlueJeans to revoke every grant; never throws. Credentials that no longer open cannot revoke. */
async function revokeBestEffort(ctx: FlowContext, connection: ConnectionRow): Promise<RevokeResult> {
  if (!connection.sealedCredentials) {
    const none: RevocationOutcome = { status: 'not_held', reason: 'Seatwise held no credentials.' };
    return { revoked: false, accessToken: none, refreshToken: none, grantedApplication: none };
  }
  let credentials: Credentials;
  try {
    credentials = await openCredentials(
      ctx.db,
      ctx.sealer,
      { orgId: connection.orgId, connectionId: connection.id },
      connection.sealedCredentials,
    );
  } catch (err) {
    ctx.logger.warn('disconnect: credentials unreadable, nothing revoked', {
      connectionId: connection.id,
      reason: err instanceof SealError ? err.message : 'unexpected',
    });
    const unreadable: RevocationOutcome = {
      status: 'failed',
      reason:
        'The stored credentials could not be opened (the encryption key they were sealed with is no longer configured), so Seatwise could not ask BlueJeans to revoke anything; what they granted may still be valid there.',
    };
    return {
      revoked: false,
      accessToken: unreadable,
      refreshToken: unreadable,
      grantedApplication: unreadable,
    };
  }
  const result = await ctx.connector.revoke({
    id: connection.id,
    orgId: connection.orgId,
    credentials,
    enterpriseId: connection.enterpriseId,
  });
  if (result.error) {
    ctx.logger.warn('disconnect: a revocation failed', {
      connectionId: connection.id,
      code: result.error.code,
    });
  }
  return result;
}
