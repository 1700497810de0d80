/**
 * A connection's vault: seals and opens that connection's secrets under its own data key (envelope
 * encryption, see envelope.ts), kept wrapped by the key ring in `connection_keys`.
 *
 * - `seal` always writes format version 2, under the connection's current data key. A connection
 *   saved before envelope encryption gets its data key on first use, but only while it is not
 *   disconnected: after Disconnect nothing can be sealed for it again (a sync finishing late cannot
 *   bring a key, and a token, back).
 * - `unseal` opens both formats: version 2 with the data key, version 1 (directly under the ring,
 *   rows written before) with the ring, so old rows keep working until they are upgraded.
 * - Disconnect deletes the data key row (`destroyDataKey`); from then on no copy of the connection's
 *   version-2 ciphertext opens, wherever it lingers.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connectionKeys } from '../../db/schema';
import {
  type DataKey,
  generateDataKey,
  sealedFormat,
  sealWithDataKey,
  unsealWithDataKey,
  unwrapDataKey,
  wrapDataKey,
} from './envelope';
import { SealError, type Sealer } from './seal';

export interface VaultBinding {
  orgId: string;
  connectionId: string;
}

/** Seals and opens one connection's secrets; `purpose` names what the value is (`credentials`, `token`). */
export interface Vault {
  readonly binding: VaultBinding;
  seal(plaintext: string, purpose: string): Promise<string>;
  unseal(sealed: string, purpose: string): Promise<string>;
}

/** A new data key and its wrapped form, to be stored in the same batch as what is sealed under it. */
export interface PreparedDataKey {
  dataKey: DataKey;
  wrapped: string;
}

/** A fresh data key for a connection, wrapped under the ring's current key (not stored yet). */
export async function prepareDataKey(sealer: Sealer, binding: VaultBinding): Promise<PreparedDataKey> {
  const dataKey = generateDataKey();
  return { dataKey, wrapped: await wrapDataKey(sealer.ring, dataKey, binding) };
}

/** Stores (or replaces) a connection's data key: batch it with the values sealed under it. */
export function storeDataKey(db: Db, connectionId: string, prepared: PreparedDataKey) {
  const values = { keyId: prepared.dataKey.id, wrappedKey: prepared.wrapped, rewrappedAt: null };
  return db
    .insert(connectionKeys)
    .values({ connectionId, ...values })
    .onConflictDoUpdate({
      target: connectionKeys.connectionId,
      set: { ...values, createdAt: sql`(unixepoch('subsec') * 1000)` },
    });
}

/** Destroys a connection's data key (Disconnect): batch it with erasing the sealed values. */
export function destroyDataKey(db: Db, connectionId: string) {
  return db.delete(connectionKeys).where(eq(connectionKeys.connectionId, connectionId));
}

/** The vault over a prepared (not yet stored) data key: seals only (used while saving new credentials). */
export function preparedVault(prepared: PreparedDataKey, binding: VaultBinding): Pick<Vault, 'seal'> {
  return {
    seal: (plaintext, purpose) => sealWithDataKey(prepared.dataKey, plaintext, { ...binding, purpose }),
  };
}

/** The vault of one connection. Keeps the unwrapped data key in memory for its own lifetime only. */
export function connectionVault(db: Db, sealer: Sealer, binding: VaultBinding): Vault {
  let memo: DataKey | undefined;
  const where = eq(connectionKeys.connectionId, binding.connectionId);

  async function load(): Promise<DataKey | undefined> {
    const row = await db
      .select({ keyId: connectionKeys.keyId, wrapped: connectionKeys.wrappedKey })
      .from(connectionKeys)
      .where(where)
      .get();
    if (!row) return undefined;
    memo = await unwrapDataKey(sealer.ring, row.wrapped, row.keyId, binding);
    return memo;
  }

  async function ensure(): Promise<DataKey> {
    const existing = memo ?? (await load());
    if (existing) return existing;
    const prepared = await prepareDataKey(sealer, binding);
    // Only a live connection gets a key: after Disconnect nothing is sealed for it again.
    await db.run(sql`insert into connection_keys (connection_id, key_id, wrapped_key)
      select ${binding.connectionId}, ${prepared.dataKey.id}, ${prepared.wrapped}
      where exists (select 1 from connections where id = ${binding.connectionId} and org_id = ${binding.orgId}
        and state <> 'disconnected')
      on conflict (connection_id) do nothing`);
    const stored = await load();
    if (!stored) throw new SealError('this connection is disconnected, so nothing is sealed for it');
    return stored;
  }

  return {
    binding,
    async seal(plaintext, purpose) {
      return sealWithDataKey(await ensure(), plaintext, { ...binding, purpose });
    },
    async unseal(sealed, purpose) {
      const format = sealedFormat(sealed);
      if (format.version === 1) return sealer.unseal(sealed, { ...binding, purpose });
      if (format.version !== 2) throw new SealError('sealed value is malformed');
      const key = memo?.id === format.dataKeyId ? memo : await load();
      if (!key) throw new SealError('the data key of this connection was destroyed (disconnected)');
      return unsealWithDataKey(key, sealed, { ...binding, purpose });
    },
  };
}

/** True for values sealed the old way (directly under the key ring), which are upgraded on use. */
export function isLegacySealed(sealed: string): boolean {
  return sealedFormat(sealed).version === 1;
}
