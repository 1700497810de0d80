/**
 * Credentials at rest: sealed (purpose `credentials`) under the connection's own
 * data key (src/lib/vault.ts) and bound to their organization and connection, so a
 * sealed value copied to another row does not open. What may be shown again (App Key, username, who connected) lives apart,
 * in the connection's `publicConfig`.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections } from '../../db/schema';
import type { AccountInfo, Credentials } from '../connectors/types';
import type { Sealer } from '../lib/seal';
import { connectionVault, isLegacySealed, type Vault } from '../lib/vault';
import { z } from '../lib/zlite';

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

/**
 * Seals credentials in the version-1 form, directly under the key ring: how rows were written before
 * envelope encryption. Nothing in Seatwise writes it any more (saving goes through a data key, see
 * connect.ts); it stays so old rows, and tests standing in for them, can be made and read.
 */
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

/** Seals credentials under a connection's data key (format version 2). */
export async function sealCredentialsIn(
  vault: Pick<Vault, 'seal'>,
  credentials: Credentials,
): Promise<string> {
  return vault.seal(JSON.stringify(CredentialsSchema.parse(credentials)), CREDENTIALS_PURPOSE);
}

/** Opens sealed credentials of either format; throws SealError (wrong row, key gone, tampered) or a zod error. */
export async function unsealCredentialsIn(
  vault: Pick<Vault, 'unseal'>,
  sealed: string,
): Promise<Credentials> {
  return CredentialsSchema.parse(JSON.parse(await vault.unseal(sealed, CREDENTIALS_PURPOSE)));
}

/** Opens a connection's stored credentials (either format) with its vault. */
export async function openCredentials(
  db: Db,
  sealer: Sealer,
  binding: ConnectionBinding,
  sealed: string,
): Promise<Credentials> {
  return unsealCredentialsIn(connectionVault(db, sealer, binding), sealed);
}

/**
 * Opens stored credentials and, when they are still in the version-1 form, moves them under the
 * connection's data key (the lazy backfill: done on first use, so it needs no key ring at migration
 * time and works the same on Workers). The rewrite is a compare-and-set on the old ciphertext, so a
 * reconnect or disconnect meanwhile wins; a failed upgrade leaves the old, still readable, value.
 */
export async function openAndUpgradeCredentials(
  db: Db,
  sealer: Sealer,
  binding: ConnectionBinding,
  sealed: string,
): Promise<Credentials> {
  const vault = connectionVault(db, sealer, binding);
  const credentials = await unsealCredentialsIn(vault, sealed);
  if (isLegacySealed(sealed))
    await upgradeSealedCredentials(db, vault, sealed, credentials).catch(() => false);
  return credentials;
}

/** Re-seals version-1 credentials under the data key; true when this call replaced them. */
export async function upgradeSealedCredentials(
  db: Db,
  vault: Vault,
  sealed: string,
  credentials: Credentials,
): Promise<boolean> {
  const resealed = await sealCredentialsIn(vault, credentials);
  const changed = await db
    .update(connections)
    .set({ sealedCredentials: resealed })
    .where(
      and(
        eq(connections.id, vault.binding.connectionId),
        eq(connections.orgId, vault.binding.orgId),
        eq(connections.sealedCredentials, sealed),
      ),
    )
    .returning({ id: connections.id });
  return changed.length === 1;
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
  const vault = connectionVault(db, sealer, connection);
  const current = await unsealCredentialsIn(vault, row.sealed);
  if (current.method !== 'oauth' || current.appKey !== credentials.appKey) return false;
  if (current.appSecret !== credentials.appSecret) return false;
  const sealed = await sealCredentialsIn(vault, credentials);
  const changed = await db
    .update(connections)
    .set({ sealedCredentials: sealed })
    .where(and(where, eq(connections.sealedCredentials, row.sealed)))
    .returning({ id: connections.id });
  return changed.length === 1;
}
