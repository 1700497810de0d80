/**
 * Credentials at rest: sealed (purpose `credentials`) and bound to their
 * organization and connection, so a sealed value copied to another row does not
 * open. What may be shown again (App Key, username, who connected) lives apart,
 * in the connection's `publicConfig`.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { connections } from '../../db/schema';
import type { AccountInfo, Credentials } from '../connectors/types';
import type { Sealer } from '../lib/seal';

export const CREDENTIALS_PURPOSE = 'credentials';

const text = z.string().min(1).max(4096);

/** The Credentials union, checked again whenever it is unsealed (a bug must not pass a wrong shape on). */
export const CredentialsSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('client_credentials'), appKey: text, appSecret: text }),
  z.object({
    method: z.literal('oauth'),
    appKey: text,
    appSecret: text,
    refreshToken: text,
    scope: z.string().max(1000).optional(),
  }),
  z.object({ method: z.literal('password'), username: text, password: text }),
  z.object({ method: z.literal('access_token'), accessToken: text }),
]) satisfies z.ZodType<Credentials>;

export const AccountInfoSchema = z.object({
  enterpriseId: z.string().min(1).max(200),
  enterpriseName: z.string().max(300).optional(),
  accountLabel: z.string().max(300),
  credentialsExpireAt: z.number().int().optional(),
}) satisfies z.ZodType<AccountInfo>;

export interface ConnectionBinding {
  orgId: string;
  connectionId: string;
}

export async function sealCredentials(
  sealer: Sealer,
  credentials: Credentials,
  binding: ConnectionBinding,
): Promise<string> {
  return sealer.seal(JSON.stringify(CredentialsSchema.parse(credentials)), {
    ...binding,
    purpose: CREDENTIALS_PURPOSE,
  });
}

/** Opens sealed credentials; throws SealError (wrong row, unknown key, tampered) or a zod error (bad shape). */
export async function unsealCredentials(
  sealer: Sealer,
  sealed: string,
  binding: ConnectionBinding,
): Promise<Credentials> {
  const json = await sealer.unseal(sealed, { ...binding, purpose: CREDENTIALS_PURPOSE });
  return CredentialsSchema.parse(JSON.parse(json));
}

/** Non-secret facts about how a connection was made: prefilled on Reconnect, shown on the card. */
export const PublicConfigSchema = z.object({
  method: z.enum(['client_credentials', 'oauth', 'password', 'access_token']).optional(),
  appKey: z.string().max(200).optional(),
  username: z.string().max(300).optional(),
  accountLabel: z.string().max(300).optional(),
  /** When pasted tokens (or refresh tokens) stop working, if BlueJeans said. */
  credentialsExpireAt: z.number().int().optional(),
});
export type PublicConfig = z.infer<typeof PublicConfigSchema>;

/** What of these credentials may be stored in the clear. */
export function publicConfigOf(credentials: Credentials, account: AccountInfo): PublicConfig {
  const config: PublicConfig = { method: credentials.method, accountLabel: account.accountLabel };
  if (credentials.method === 'client_credentials' || credentials.method === 'oauth') {
    config.appKey = credentials.appKey;
  }
  if (credentials.method === 'password') config.username = credentials.username;
  if (account.credentialsExpireAt !== undefined) config.credentialsExpireAt = account.credentialsExpireAt;
  return config;
}

/** Reads the stored JSON; anything unreadable is treated as empty (it only prefills forms). */
export function parsePublicConfig(json: string | null | undefined): PublicConfig {
  try {
    const parsed = PublicConfigSchema.safeParse(JSON.parse(json ?? '{}'));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * Stores a refresh token BlueJeans rotated during a sync (the connector's `onCredentialsRotated`).
 * Only replaces credentials of the same OAuth app, with a compare-and-set on the ciphertext read, so a
 * reconnect or disconnect that happened meanwhile always wins.
 */
export async function storeRotatedCredentials(
  db: Db,
  sealer: Sealer,
  connection: ConnectionBinding,
  credentials: Credentials,
): Promise<boolean> {
  if (credentials.method !== 'oauth') return false;
  const where = and(eq(connections.id, connection.connectionId), eq(connections.orgId, connection.orgId));
  const row = await db.select({ sealed: connections.sealedCredentials }).from(connections).where(where).get();
  if (!row?.sealed) return false;
  const current = await unsealCredentials(sealer, row.sealed, connection);
  if (current.method !== 'oauth' || current.appKey !== credentials.appKey) return false;
  if (current.appSecret !== credentials.appSecret) return false;
  const sealed = await sealCredentials(sealer, credentials, connection);
  const changed = await db
    .update(connections)
    .set({ sealedCredentials: sealed })
    .where(and(where, eq(connections.sealedCredentials, row.sealed)))
    .returning({ id: connections.id });
  return changed.length === 1;
}
