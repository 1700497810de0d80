/**
 * Key rotation: re-seal every stored secret under the ring's newest key, so an
 * old key can be retired. Each value is opened with the binding of the row it
 * sits in (a value moved to another row fails, as it should) and written back
 * with a compare-and-set on the old ciphertext, so a reconnect or token refresh
 * racing with the rotation is never overwritten. Credentials that do not open
 * are reported and left untouched; cached tokens that do not open are dropped
 * (the connector simply mints a new one).
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections, connectionTokens } from '../../db/schema';
import { type Sealer, sealedKid } from '../lib/seal';
import { recordAudit } from './audit';
import { CREDENTIALS_PURPOSE } from './credentials';

/** The connector's purpose for cached tokens (src/connectors/bluejeans/token-cache.ts). */
export const TOKEN_PURPOSE = 'token';

export interface RotationCounts {
  /** Re-sealed under the newest key. */
  resealed: number;
  /** Already under the newest key. */
  current: number;
  /** Could not be opened (unknown key, tampered, wrong row). */
  unreadable: number;
  /** Changed by someone else during the rotation (left as they wrote it). */
  skipped: number;
}

export interface RotationReport {
  kid: string;
  credentials: RotationCounts & { unreadableConnections: string[] };
  tokens: RotationCounts & { dropped: number };
}

const zero = (): RotationCounts => ({ resealed: 0, current: 0, unreadable: 0, skipped: 0 });

/** Re-seals connections.sealed_credentials and connection_tokens.sealed_token; audits per organization. */
export async function resealAll(
  db: Db,
  sealer: Sealer,
  options: { actor: string; now: number },
): Promise<RotationReport> {
  const kid = sealer.ring.currentKid;
  const report: RotationReport = {
    kid,
    credentials: { ...zero(), unreadableConnections: [] },
    tokens: { ...zero(), dropped: 0 },
  };
  const touched = new Map<string, { credentials: number; caches: number }>();
  const bump = (orgId: string, key: 'credentials' | 'caches') => {
    const t = touched.get(orgId) ?? { credentials: 0, caches: 0 };
    t[key] += 1;
    touched.set(orgId, t);
  };

  const rows = await db
    .select({ id: connections.id, orgId: connections.orgId, sealed: connections.sealedCredentials })
    .from(connections)
    .where(isNotNull(connections.sealedCredentials))
    .all();
  for (const row of rows) {
    const sealed = row.sealed!;
    if (sealedKid(sealed) === kid) {
      report.credentials.current += 1;
      continue;
    }
    const binding = { orgId: row.orgId, connectionId: row.id, purpose: CREDENTIALS_PURPOSE };
    let resealed: string;
    try {
      resealed = await sealer.seal(await sealer.unseal(sealed, binding), binding);
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
    if (sealedKid(row.sealed) === kid) {
      report.tokens.current += 1;
      continue;
    }
    const binding = { orgId: row.orgId, connectionId: row.id, purpose: TOKEN_PURPOSE };
    const where = and(
      eq(connectionTokens.connectionId, row.id),
      eq(connectionTokens.sealedToken, row.sealed),
    );
    let resealed: string;
    try {
      resealed = await sealer.seal(await sealer.unseal(row.sealed, binding), binding);
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
      detail: { kid, connectionsRekeyed: counts.credentials, cachesRekeyed: counts.caches },
      at: options.now,
    });
  }
  return report;
}
