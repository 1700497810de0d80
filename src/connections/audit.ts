/**
 * The audit log: who did what, when, to which connection. Entries never hold a
 * secret: `detail` passes through the logger's key-based redaction before it is
 * stored, so a careless field name (`appSecret`, `token`...) cannot leak one.
 */
import { and, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditLog } from '../../db/schema';
import { redact } from '../lib/logger';

/** Every action the log knows; the audit page labels them. */
export const AUDIT_ACTIONS = [
  'connection.connected',
  'connection.reconnected',
  'connection.disconnected',
  'connection.state_changed',
  'connection.verify_failed',
  'connection.connect_cancelled',
  'connection.oauth_started',
  'connection.oauth_failed',
  'invite.created',
  'invite.used',
  'invite.revoked',
  'keys.rotated',
  'licences.settings_saved',
  'licences.removal_allowed',
  'licences.removal_revoked',
  'reclaim.started',
  'reclaim.user_removed',
  'reclaim.cancelled',
  'reclaim.finished',
  'org.created',
  'member.added',
  'member.removed',
  'member.role_changed',
  'sync.resumed',
  'archive.exported',
  'webhook.added',
  'webhook.deleted',
  'webhook.enabled',
  'webhook.disabled',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** JSON-safe, secret-free facts about an event. */
export type AuditDetail = Record<string, string | number | boolean | null | undefined | string[]>;

export interface AuditEntry {
  orgId: string;
  connectionId?: string | null;
  actor: string;
  action: AuditAction;
  detail?: AuditDetail;
  at: number;
}

export type AuditRow = typeof auditLog.$inferSelect;

const MAX_DETAIL_CHARS = 2000;

/** Serialises a detail object: secrets redacted by key name, undefined dropped, size capped. */
export function detailJson(detail: AuditDetail = {}): string {
  const json = JSON.stringify(redact(detail));
  return json.length <= MAX_DETAIL_CHARS ? json : JSON.stringify({ truncated: true });
}

/** An insert for a db batch (used where the entry must commit with the change it describes). */
export function auditInsert(db: Db, entry: AuditEntry) {
  return db.insert(auditLog).values(auditValues(entry));
}

/**
 * An insert that only succeeds if the statement just before it in the batch changed exactly one row.
 * `changes()` is SQLite's count for the previous statement on this connection; when it is not 1 the
 * actor is NULL, the NOT NULL constraint fails and the whole batch rolls back. This is how a stale
 * optimistic update (another writer got there first, or a form was sent twice) aborts everything that
 * was batched with it, without an interactive transaction (which Workers over HTTP makes costly).
 */
export function guardedAuditInsert(db: Db, entry: AuditEntry) {
  return db
    .insert(auditLog)
    .values({ ...auditValues(entry), actor: sql`case when changes() = 1 then ${entry.actor} end` });
}

/** True when `err` is the guard above firing (a batch aborted because its change found nothing to change). */
export function isGuardFailure(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && /NOT NULL constraint failed: audit_log\.actor/.test(e.message)) return true;
  }
  return false;
}

/** Writes one entry on its own (events that are not state changes: failures, invites, rotation). */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await auditInsert(db, entry);
}

function auditValues(entry: AuditEntry) {
  return {
    orgId: entry.orgId,
    connectionId: entry.connectionId ?? null,
    actor: entry.actor,
    action: entry.action,
    detail: detailJson(entry.detail),
    at: entry.at,
  };
}

export interface AuditQuery {
  orgId: string;
  connectionId?: string;
  /** Entries older than this id (paging backwards). */
  beforeId?: number;
  limit?: number;
}

/** Newest first, at most `limit` (default 50, capped at 200). */
export async function listAudit(db: Db, query: AuditQuery): Promise<AuditRow[]> {
  const conditions: SQL[] = [eq(auditLog.orgId, query.orgId)];
  if (query.connectionId) conditions.push(eq(auditLog.connectionId, query.connectionId));
  if (query.beforeId !== undefined) conditions.push(lt(auditLog.id, query.beforeId));
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(limit)
    .all();
}

/** Parses a stored detail back into an object for display (bad JSON shows as empty). */
export function parseDetail(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
