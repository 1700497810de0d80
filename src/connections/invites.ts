/**
 * "Invite your admin": someone who is not a BlueJeans admin creates a link for
 * the admin who is. A link is single-use, expires after 7 days, can be revoked,
 * and is stored only as a hash. Opening it leads to the credential form; it is
 * used up in the same batch that saves the connection.
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { invites } from '../../db/schema';
import { newId } from '../lib/ids';
import type { KeyRing } from '../lib/seal';
import { type AuditEntry, auditInsert, guardedAuditInsert } from './audit';
import { hashInviteToken, signInviteToken, verifyInviteToken } from './invite-token';

export const INVITE_TTL_MS = 7 * 24 * 60 * 60_000;
/** Open invites per organization; more is a sign of a script, not a person. */
export const MAX_OPEN_INVITES = 20;

export type InviteRow = typeof invites.$inferSelect;

export class InviteError extends Error {
  override readonly name = 'InviteError';
  constructor(
    readonly reason: 'invalid' | 'expired' | 'used' | 'revoked' | 'limit' | 'wrong_org',
    message: string,
  ) {
    super(message);
  }
}

const MESSAGES: Record<InviteError['reason'], string> = {
  invalid: 'This invite link is not valid: it may have been copied incompletely. Ask for a new one.',
  expired: 'This invite link has expired (links last 7 days). Ask whoever sent it for a new one.',
  used: 'This invite link was already used to connect BlueJeans. Ask for a new one if you need to connect again.',
  revoked: 'This invite link was withdrawn by the person who created it. Ask them for a new one.',
  limit: `There are already ${MAX_OPEN_INVITES} open invites. Revoke some before creating another.`,
  wrong_org: 'This invite link belongs to another organization.',
};

export function inviteError(reason: InviteError['reason']): InviteError {
  return new InviteError(reason, MESSAGES[reason]);
}

export interface CreateInviteInput {
  orgId: string;
  email: string;
  actor: string;
  now: number;
}

/** Creates an invite and returns the only copy of its link token. */
export async function createInvite(
  db: Db,
  ring: KeyRing,
  input: CreateInviteInput,
): Promise<{ invite: InviteRow; token: string }> {
  const open = await listOpenInvites(db, input.orgId, input.now);
  if (open.length >= MAX_OPEN_INVITES) throw inviteError('limit');
  const id = newId('inv', input.now);
  const expiresAt = input.now + INVITE_TTL_MS;
  const token = await signInviteToken(ring, { inviteId: id, orgId: input.orgId, expiresAt });
  const row: InviteRow = {
    id,
    orgId: input.orgId,
    email: input.email,
    tokenHash: await hashInviteToken(token),
    createdBy: input.actor,
    createdAt: input.now,
    expiresAt,
    usedAt: null,
    revokedAt: null,
  };
  await db.batch([
    db.insert(invites).values(row),
    auditInsert(db, {
      orgId: input.orgId,
      actor: input.actor,
      action: 'invite.created',
      detail: { inviteId: id, email: input.email, expiresAt },
      at: input.now,
    }),
  ]);
  return { invite: row, token };
}

/** Invites that can still be used, newest first. */
export async function listOpenInvites(db: Db, orgId: string, now: number): Promise<InviteRow[]> {
  return db
    .select()
    .from(invites)
    .where(
      and(
        eq(invites.orgId, orgId),
        isNull(invites.usedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, now),
      ),
    )
    .orderBy(desc(invites.createdAt))
    .all();
}

/** Checks a link token against its signature and its row; returns the usable invite or throws InviteError. */
export async function checkInvite(
  db: Db,
  ring: KeyRing,
  token: string,
  expectedOrgId: string,
  now: number,
): Promise<InviteRow> {
  const verified = await verifyInviteToken(ring, token, now);
  if (!verified.ok) throw inviteError(verified.reason);
  if (verified.claims.orgId !== expectedOrgId) throw inviteError('wrong_org');
  const row = await db
    .select()
    .from(invites)
    .where(eq(invites.tokenHash, await hashInviteToken(token)))
    .get();
  if (!row || row.id !== verified.claims.inviteId || row.orgId !== expectedOrgId)
    throw inviteError('invalid');
  return usableInvite(row, now);
}

/** Throws the reason an invite can no longer be used, or returns it. */
export function usableInvite(row: InviteRow, now: number): InviteRow {
  if (row.revokedAt !== null) throw inviteError('revoked');
  if (row.usedAt !== null) throw inviteError('used');
  if (row.expiresAt <= now) throw inviteError('expired');
  return row;
}

/** An invite by id within an organization, usable or not. */
export async function findInvite(db: Db, orgId: string, id: string): Promise<InviteRow | undefined> {
  return db
    .select()
    .from(invites)
    .where(and(eq(invites.orgId, orgId), eq(invites.id, id)))
    .get();
}

/**
 * Statements that use an invite up, for the batch that saves the connection: the update only matches
 * a still-usable invite, and the guarded audit entry aborts the batch when it matched nothing (revoked
 * or used meanwhile), so the connection is not saved through a dead link.
 */
export function useInviteStatements(db: Db, invite: InviteRow, entry: Omit<AuditEntry, 'action' | 'orgId'>) {
  return [
    db
      .update(invites)
      .set({ usedAt: entry.at })
      .where(
        and(
          eq(invites.id, invite.id),
          eq(invites.orgId, invite.orgId),
          isNull(invites.usedAt),
          isNull(invites.revokedAt),
          gt(invites.expiresAt, entry.at),
        ),
      ),
    guardedAuditInsert(db, {
      ...entry,
      orgId: invite.orgId,
      action: 'invite.used',
      detail: { inviteId: invite.id, email: invite.email, ...entry.detail },
    }),
  ] as const;
}

/** Revokes an open invite; throws InviteError when it is unknown or no longer open. */
export async function revokeInvite(
  db: Db,
  input: { orgId: string; inviteId: string; actor: string; now: number },
): Promise<InviteRow> {
  const row = await findInvite(db, input.orgId, input.inviteId);
  if (!row) throw inviteError('invalid');
  usableInvite(row, input.now);
  const update = db
    .update(invites)
    .set({ revokedAt: input.now })
    .where(and(eq(invites.id, row.id), isNull(invites.usedAt), isNull(invites.revokedAt)));
  const audit = guardedAuditInsert(db, {
    orgId: input.orgId,
    actor: input.actor,
    action: 'invite.revoked',
    detail: { inviteId: row.id, email: row.email },
    at: input.now,
  });
  try {
    await db.batch([update, audit]);
  } catch (err) {
    // Used or revoked between the read and the write (e.g. Revoke clicked twice).
    const fresh = await findInvite(db, input.orgId, input.inviteId);
    if (fresh) usableInvite(fresh, input.now);
    throw err;
  }
  return { ...row, revokedAt: input.now };
}
