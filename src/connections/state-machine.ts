/**
 * The connection state machine: the one way a connection's `state` changes.
 *
 * Every change is an optimistic update (same id, same state, same version as
 * read) batched with its audit entry and anything else that must commit with it
 * (erasing tokens, deleting data, using up an invite). If another writer got
 * there first, or a form was sent twice, the guard aborts the whole batch and
 * `StaleConnectionError` is thrown: nothing is half-done.
 */
import { and, eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { type ConnectionState, connections } from '../../db/schema';
import { type AuditAction, type AuditDetail, guardedAuditInsert, isGuardFailure } from './audit';
import type { ConnectionRow } from './store';

/**
 * Allowed transitions. Self-transitions are real events: `connected -> connected` is a reconnect
 * with new credentials, `sync_error -> sync_error` another failed retry.
 */
export const TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  disconnected: ['connected'],
  connected: ['connected', 'syncing', 'sync_error', 'needs_reauth', 'paused', 'disconnected'],
  syncing: ['connected', 'syncing', 'sync_error', 'needs_reauth', 'paused', 'disconnected'],
  sync_error: ['connected', 'syncing', 'sync_error', 'needs_reauth', 'paused', 'disconnected'],
  needs_reauth: ['connected', 'paused', 'disconnected'],
  paused: ['connected', 'needs_reauth', 'disconnected'],
};

export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: ConnectionState,
    readonly to: ConnectionState,
  ) {
    super(`a connection cannot go from ${from} to ${to}`);
  }
}

/**
 * The row changed since it was read (another writer, or the same form sent twice), or a guarded
 * statement batched with the change found nothing to change; nothing was written.
 */
export class StaleConnectionError extends Error {
  override readonly name = 'StaleConnectionError';
  constructor(readonly connectionId: string) {
    super(`connection ${connectionId} changed since it was read`);
  }
}

/** Columns a transition may change alongside the state (never id, org, vendor, state or version). */
export type ConnectionChanges = Partial<
  Omit<typeof connections.$inferInsert, 'id' | 'orgId' | 'vendor' | 'state' | 'version' | 'createdAt'>
>;

export interface TransitionInput {
  /** The row as read: its state and version are what the update expects to find. */
  connection: Pick<ConnectionRow, 'id' | 'orgId' | 'state' | 'version'>;
  to: ConnectionState;
  actor: string;
  action: AuditAction;
  detail?: AuditDetail;
  set?: ConnectionChanges;
  /** Statements that commit (or roll back) with the change, run after it in the same batch. */
  also?: BatchItem<'sqlite'>[];
  now: number;
}

/** Applies a transition; returns the updated row. Throws IllegalTransitionError or StaleConnectionError. */
export async function transition(db: Db, input: TransitionInput): Promise<ConnectionRow> {
  const { connection: c, to } = input;
  if (!canTransition(c.state, to)) throw new IllegalTransitionError(c.state, to);
  const update = db
    .update(connections)
    .set({ ...input.set, state: to, version: c.version + 1, updatedAt: input.now })
    .where(and(eq(connections.id, c.id), eq(connections.state, c.state), eq(connections.version, c.version)));
  const audit = guardedAuditInsert(db, {
    orgId: c.orgId,
    connectionId: c.id,
    actor: input.actor,
    action: input.action,
    detail: { from: c.state, to, ...input.detail },
    at: input.now,
  });
  try {
    await db.batch([update, audit, ...(input.also ?? [])]);
  } catch (err) {
    if (isGuardFailure(err)) throw new StaleConnectionError(c.id);
    throw err;
  }
  const row = await db.select().from(connections).where(eq(connections.id, c.id)).get();
  if (!row) throw new StaleConnectionError(c.id);
  return row;
}
