/**
 * Key rotation (`npm run keys:rotate`). With envelope encryption (src/lib/vault.ts) a rotation only
 * re-wraps each connection's data key under the ring's newest key: the secrets sealed under a data
 * key stay as they are. Values still sealed the old way (directly under the ring) are moved under
 * their connection's data key on the way, so after one run no stored secret depends on an old ring key
 * and that key can be retired.
 *
 * Every write is a compare-and-set on the value read, so a reconnect, token refresh or disconnect
 * racing with the rotation always wins. Data keys and credentials that do not open are reported and
 * left untouched (their connections need Reconnect); cached tokens that do not open are dropped (the
 * connector simply mints a new one).
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connectionKeys, connections, connectionTokens } from '../../db/schema';
import { TOKEN_PURPOSE } from '../connectors/bluejeans/token-cache';
import { unwrapDataKey, wrapDataKey } from '../lib/envelope';
import { type Sealer, sealedKid } from '../lib/seal';
import { connectionVault, isLegacySealed } from '../lib/vault';
import { recordAudit } from './audit';
import { CREDENTIALS_PURPOSE } from './credentials';

export { TOKEN_PURPOSE };

export interface RotationCounts {
  /** Re-sealed (old-form values moved under their connection's data key). */
  resealed: number;
  /** Already in envelope form. */
  current: number;
  /** Could not be opened (unknown key, tampered, wrong row). */
  unreadable: number;
  /** Changed by someone else during the rotation (left as they wrote it). */
  skipped: number;
}

export interface DataKeyCounts {
  /** Re-wrapped under the ring's newest key. */
  rewrapped: number;
  /** Already wrapped under the newest key. */
  current: number;
  /** Wrapped under a key the ring no longer has, or tampered with. */
  unreadable: number;
  /** Replaced or destroyed by someone else during the rotation. */
  skipped: number;
  unreadableConnections: string[];
}

export interface RotationReport {
  kid: string;
  dataKeys: DataKeyCounts;
  credentials: RotationCounts & { unreadableConnections: string[] };
  tokens: RotationCounts & { dropped: number };
}

const zero = (): RotationCounts => ({ resealed: 0, current: 0, unreadable: 0, skipped: 0 });

/** Re-wraps data keys, moves old-form secrets into envelope form; audits per organization. */
export async function resealAll(
  db: Db,
  sealer: Sealer,
  options: { actor: string; now: number },
): Promise<RotationReport> {
  const kid = sealer.ring.currentKid;
  const report: RotationReport = {
    kid,
    dataKeys: { rewrapped: 0, current: 0, unreadable: 0, skipped: 0, unreadableConnections: [] },
    credentials: { ...zero(), unreadableConnections: [] },
    tokens: { ...zero(), dropped: 0 },
  };
  const touched = new Map<string, { keys: number; credentials: number; caches: number }>();
  const bump = (orgId: string, key: 'keys' | 'credentials' | 'caches') => {
    const t = touched.get(orgId) ?? { keys: 0, credentials: 0, caches: 0 };
    t[key] += 1;
    touched.set(orgId, t);
  };

  const keys = await db
    .select({
      id: connectionKeys.connectionId,
      orgId: connections.orgId,
      keyId: connectionKeys.keyId,
      wrapped: connectionKeys.wrappedKey,
    })
    .from(connectionKeys)
    .innerJoin(connections, eq(connections.id, connectionKeys.connectionId))
    .all();
  for (const row of keys) {
    if (sealedKid(row.wrapped) === kid) {
      report.dataKeys.current += 1;
      continue;
    }
    const binding = { orgId: row.orgId, connectionId: row.id };
    let rewrapped: string;
    try {
      rewrapped = await wrapDataKey(
        sealer.ring,
        await unwrapDataKey(sealer.ring, row.wrapped, row.keyId, binding),
        binding,
      );
    } catch {
      report.dataKeys.unreadable += 1;
      report.dataKeys.unreadableConnections.push(row.id);
      continue;
    }
    const changed = await db
      .update(connectionKeys)
      .set({ wrappedKey: rewrapped, rewrappedAt: options.now })
      .where(
        and(
          eq(connectionKeys.connectionId, row.id),
          eq(connectionKeys.keyId, row.keyId),
          eq(connectionKeys.wrappedKey, row.wrapped),
        ),
      )
      .returning({ id: connectionKeys.connectionId });
    if (changed.length === 1) {
      report.dataKeys.rewrapped += 1;
      bump(row.orgId, 'keys');
    } else report.dataKeys.skipped += 1;
  }

  const rows = await db
    .select({ id: connections.id, orgId: connections.orgId, sealed: connections.sealedCredentials })
    .from(connections)
    .where(isNotNull(connections.sealedCredentials))
    .all();
  for (const row of rows) {
    const sealed = row.sealed!;
    if (!isLegacySealed(sealed)) {
      report.credentials.current += 1;
      continue;
    }
    const vault = connectionVault(db, sealer, { orgId: row.orgId, connectionId: row.id });
    let resealed: string;
    try {
      resealed = await vault.seal(await vault.unseal(sealed, CREDENTIALS_PURPOSE), CREDENTIALS_PURPOSE);
    } catch {
      report.credentials.unreadable += 1;
      report.credentials.unreadableConnections.push(row.id);
      continue;
    }
    const changed = await db
      .update(connections)
      .set({ sealedCredentials: resealed })
      .where(and(eq(connections.id, row.id), eq(connections.sealedCredentials, sealed)))
      .returning({ id: connections.id });
    if (changed.length === 1) {
      report.credentials.resealed += 1;
      bump(row.orgId, 'credentials');
    } else report.credentials.skipped += 1;
  }

  const tokens = await db
    .select({
      id: connectionTokens.connectionId,
      orgId: connections.orgId,
      sealed: connectionTokens.sealedToken,
    })
    .from(connectionTokens)
    .innerJoin(connections, eq(connections.id, connectionTokens.connectionId))
    .all();
  for (const row of tokens) {
    if (!isLegacySealed(row.sealed)) {
      report.tokens.current += 1;
      continue;
    }
    const vault = connectionVault(db, sealer, { orgId: row.orgId, connectionId: row.id });
    const where = and(
      eq(connectionTokens.connectionId, row.id),
      eq(connectionTokens.sealedToken, row.sealed),
    );
    let resealed: string;
    try {
      resealed = await vault.seal(await vault.unseal(row.sealed, TOKEN_PURPOSE), TOKEN_PURPOSE);
    } catch {
      report.tokens.unreadable += 1;
      const gone = await db
        .delete(connectionTokens)
        .where(where)
        .returning({ id: connectionTokens.connectionId });
      report.tokens.dropped += gone.length;
      continue;
    }
    const changed = await db
      .update(connectionTokens)
      .set({ sealedToken: resealed })
      .where(where)
      .returning({ id: connectionTokens.connectionId });
    if (changed.length === 1) {
      report.tokens.resealed += 1;
      bump(row.orgId, 'caches');
    } else report.tokens.skipped += 1;
  }

  for (const [orgId, counts] of touched) {
    await recordAudit(db, {
      orgId,
      actor: options.actor,
      action: 'keys.rotated',
      detail: {
        kid,
        dataKeysRewrapped: counts.keys,
        connectionsRekeyed: counts.credentials,
        cachesRekeyed: counts.caches,
      },
      at: options.now,
    });
  }
  return report;
}
