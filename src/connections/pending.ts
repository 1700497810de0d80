/**
 * Verified credentials waiting for the admin's consent. They travel to the
 * consent page and back sealed (purpose `pending`, bound to the organization and
 * connection), so the browser only ever holds ciphertext. A pending value expires
 * after ten minutes and is single-use: it names the connection version it was
 * made against, and saving bumps that version, so a second Confirm is stale.
 */

import type { AccountInfo, Credentials } from '../connectors/types';
import { SealError, type Sealer } from '../lib/seal';
import { z } from '../lib/zlite';
import { AccountInfoSchema, type ConnectionBinding, CredentialsSchema } from './credentials';

export const PENDING_PURPOSE = 'pending';
export const PENDING_TTL_MS = 10 * 60_000;

const PendingSchema = z.object({
  v: z.literal(1),
  credentials: CredentialsSchema,
  account: AccountInfoSchema,
  /** The connection's version when verified; Confirm saves only if it is unchanged. */
  version: z.number().int().min(0),
  expiresAt: z.number().int(),
  inviteId: z.string().max(64).optional(),
});

export interface PendingConnect {
  credentials: Credentials;
  account: AccountInfo;
  version: number;
  expiresAt: number;
  inviteId?: string;
}

export class PendingError extends Error {
  override readonly name = 'PendingError';
  constructor(
    readonly reason: 'invalid' | 'expired',
    message: string,
  ) {
    super(message);
  }
}

export async function sealPending(
  sealer: Sealer,
  binding: ConnectionBinding,
  pending: Omit<PendingConnect, 'expiresAt'>,
  now: number,
): Promise<{ sealed: string; expiresAt: number }> {
  const expiresAt = now + PENDING_TTL_MS;
  const payload = { v: 1 as const, ...pending, expiresAt };
  const sealed = await sealer.seal(JSON.stringify(PendingSchema.parse(payload)), {
    ...binding,
    purpose: PENDING_PURPOSE,
  });
  return { sealed, expiresAt };
}

/** Opens a pending value; throws PendingError with an admin-facing message when it cannot be used. */
export async function openPending(
  sealer: Sealer,
  sealed: string,
  binding: ConnectionBinding,
  now: number,
): Promise<PendingConnect> {
  let json: string;
  try {
    json = await sealer.unseal(sealed, { ...binding, purpose: PENDING_PURPOSE });
  } catch (err) {
    if (err instanceof SealError) {
      throw new PendingError('invalid', 'This confirmation is not valid here. Start connecting again.');
    }
    throw err;
  }
  const parsed = PendingSchema.safeParse(safeJson(json));
  if (!parsed.success) {
    throw new PendingError('invalid', 'This confirmation is not valid here. Start connecting again.');
  }
  if (parsed.data.expiresAt <= now) {
    throw new PendingError(
      'expired',
      'This confirmation expired (it lasts 10 minutes) and nothing was saved. Enter the credentials again.',
    );
  }
  const { v: _v, ...pending } = parsed.data;
  return pending;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
