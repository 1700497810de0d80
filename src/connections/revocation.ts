/**
 * What Disconnect ended at the vendor, in words: each grant (access token, refresh token, granted
 * application) with its outcome and reason. Stored in the `connection.disconnected` audit entry (keys
 * chosen so the log's secret redaction leaves them alone; values never hold a secret) and read back
 * for the card and the activity log.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditLog } from '../../db/schema';
import type { RevocationOutcome, RevokeResult } from '../connectors/types';
import type { RevocationLine } from '../views/revocation-report';
import { type AuditDetail, parseDetail } from './audit';

export type { RevocationLine };

const ITEMS = [
  { prefix: 'access', label: 'Access token', field: 'accessToken' },
  { prefix: 'renewal', label: 'Refresh token', field: 'refreshToken' },
  { prefix: 'grant', label: 'Granted application', field: 'grantedApplication' },
] as const;

const STATUSES: readonly RevocationOutcome['status'][] = ['revoked', 'not_held', 'kept', 'failed'];

/** How each outcome reads. */
export const STATUS_TEXT: Record<RevocationOutcome['status'], string> = {
  revoked: 'revoked at BlueJeans',
  not_held: 'nothing to revoke',
  kept: 'not revoked, on purpose',
  failed: 'could not be revoked',
};

/** The audit detail fields of a revocation (`accessOutcome`, `accessReason`, `renewalOutcome`, ...). */
export function revocationDetail(result: Pick<RevokeResult, (typeof ITEMS)[number]['field']>): AuditDetail {
  const detail: AuditDetail = {};
  for (const item of ITEMS) {
    const outcome = result[item.field];
    detail[`${item.prefix}Outcome`] = outcome.status;
    if (outcome.reason) detail[`${item.prefix}Reason`] = outcome.reason;
  }
  return detail;
}

/** The detail keys revocationDetail writes (the activity log shows them as the report, not one by one). */
export const REVOCATION_DETAIL_KEYS: ReadonlySet<string> = new Set(
  ITEMS.flatMap((i) => [`${i.prefix}Outcome`, `${i.prefix}Reason`]),
);

/** The detail without the revocation fields (shown as the report instead). */
export function omitRevocationKeys(detail: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(detail).filter(([k]) => !REVOCATION_DETAIL_KEYS.has(k)));
}

/** The report from a stored detail; undefined for entries written before outcomes were recorded. */
export function revocationLines(detail: Record<string, unknown>): RevocationLine[] | undefined {
  const lines: RevocationLine[] = [];
  for (const item of ITEMS) {
    const status = detail[`${item.prefix}Outcome`];
    if (typeof status !== 'string' || !STATUSES.includes(status as RevocationOutcome['status'])) continue;
    const s = status as RevocationOutcome['status'];
    const reason = detail[`${item.prefix}Reason`];
    lines.push({
      label: item.label,
      status: s,
      text: STATUS_TEXT[s],
      ...(typeof reason === 'string' && reason ? { reason } : {}),
    });
  }
  return lines.length > 0 ? lines : undefined;
}

/** What the connection's latest Disconnect ended, from the activity log. */
export async function lastRevocation(
  db: Db,
  orgId: string,
  connectionId: string,
): Promise<{ at: number; lines: RevocationLine[] } | undefined> {
  const row = await db
    .select({ at: auditLog.at, detail: auditLog.detail })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.orgId, orgId),
        eq(auditLog.connectionId, connectionId),
        eq(auditLog.action, 'connection.disconnected'),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(1)
    .get();
  const lines = row ? revocationLines(parseDetail(row.detail)) : undefined;
  return row && lines ? { at: row.at, lines } : undefined;
}
