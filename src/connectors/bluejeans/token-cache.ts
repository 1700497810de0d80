/**
 * The sealed token cache: one `connection_tokens` row per connection, sealed with purpose `token` under
 * the connection's data key (src/lib/vault.ts) and bound to its organization and connection. A value
 * that no longer unseals (data key replaced or destroyed, ring key retired, row copied elsewhere) reads
 * as "no cache": the cost is one extra mint, never a crash.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { connectionTokens } from '../../../db/schema';
import type { Vault } from '../../lib/vault';
import { z } from '../../lib/zlite';
import type { TokenGrant } from './auth';

/** The purpose cached tokens are sealed for. */
export const TOKEN_PURPOSE = 'token';

export interface TokenCache {
  read(): Promise<TokenGrant | null>;
  write(grant: TokenGrant, now: number): Promise<void>;
  /** Marks `accessToken` unusable if it is still the cached one; keeps the refresh token and ids. */
  expire(accessToken: string): Promise<void>;
  /** Forgets everything (disconnect). */
  clear(): Promise<void>;
}

const Stored = z.object({
  accessToken: z.string(),
  expiresAt: z.number(),
  obtainedAt: z.number(),
  refreshToken: z.string().optional(),
  enterpriseId: z.string().optional(),
  userId: z.string().optional(),
  enterpriseAdmin: z.boolean().optional(),
  credentialsExpireAt: z.number().optional(),
});

/** The cache of one connection. */
export function createTokenCache(db: Db, vault: Vault): TokenCache {
  const { binding } = vault;
  const where = eq(connectionTokens.connectionId, binding.connectionId);

  async function read(): Promise<TokenGrant | null> {
    const rows = await db.select().from(connectionTokens).where(where);
    const row = rows[0];
    if (!row) return null;
    try {
      const parsed = Stored.safeParse(JSON.parse(await vault.unseal(row.sealedToken, TOKEN_PURPOSE)));
      if (!parsed.success) return null;
      // The column is authoritative for expiry: `expire()` lowers it without re-sealing.
      return { ...stripUndefined(parsed.data), expiresAt: Math.min(row.expiresAt, parsed.data.expiresAt) };
    } catch {
      return null;
    }
  }

  return {
    read,
    async write(grant, now) {
      const sealedToken = await vault.seal(JSON.stringify(grant), TOKEN_PURPOSE);
      await db
        .insert(connectionTokens)
        .values({
          connectionId: binding.connectionId,
          sealedToken,
          expiresAt: grant.expiresAt,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: connectionTokens.connectionId,
          set: { sealedToken, expiresAt: grant.expiresAt, updatedAt: now },
        });
    },
    async expire(accessToken) {
      const current = await read();
      if (current?.accessToken === accessToken) {
        await db.update(connectionTokens).set({ expiresAt: 0 }).where(where);
      }
    },
    async clear() {
      await db.delete(connectionTokens).where(where);
    },
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
