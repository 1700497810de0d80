/** Webhook endpoints and their delivery log, always scoped to one organization. */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type WebhookFormat, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema';
import { newId } from '../lib/ids';
import type { Sealer } from '../lib/seal';
import { generateSecret } from './signing';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

/** Binding of a sealed signing secret: its organization, the endpoint, the purpose. */
export const secretBinding = (orgId: string, endpointId: string) => ({
  orgId,
  connectionId: endpointId,
  purpose: 'webhook-secret',
});

export function eventsOf(row: Pick<EndpointRow, 'events'>): string[] {
  try {
    const v: unknown = JSON.parse(row.events);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Adds an endpoint; returns it with the plain secret, which is never available again. */
export async function addEndpoint(
  db: Db,
  sealer: Sealer,
  input: { orgId: string; url: string; events: string[]; format: WebhookFormat; actor: string; now: number },
): Promise<{ endpoint: EndpointRow; secret: string }> {
  const id = newId('whe', input.now);
  const secret = generateSecret();
  const sealedSecret = await sealer.seal(secret, secretBinding(input.orgId, id));
  const [endpoint] = await db
    .insert(webhookEndpoints)
    .values({
      id,
      orgId: input.orgId,
      url: input.url,
      format: input.format,
      events: JSON.stringify(input.events),
      sealedSecret,
      createdBy: input.actor,
      createdAt: input.now,
    })
    .returning();
  return { endpoint: endpoint as EndpointRow, secret };
}

export async function listEndpoints(db: Db, orgId: string): Promise<EndpointRow[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.orgId, orgId))
    .orderBy(webhookEndpoints.createdAt);
}

export async function getEndpoint(db: Db, orgId: string, id: string): Promise<EndpointRow | undefined> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
    .get();
}

/** Re-enables a disabled endpoint: its failure streak starts afresh. */
export async function enableEndpoint(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db
    .update(webhookEndpoints)
    .set({ disabledAt: null, disabledReason: null, failingSince: null })
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  return r.length === 1;
}

export async function deleteEndpoint(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  return r.length === 1;
}

/** The newest attempts to one endpoint (the page's delivery log). */
export async function recentAttempts(db: Db, endpointId: string, limit = 20): Promise<AttemptRow[]> {
  return db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.endpointId, endpointId))
    .orderBy(desc(webhookAttempts.id))
    .limit(limit);
}

/** Deliveries of one endpoint still waiting for an attempt (shown as "retrying"). */
export async function pendingCount(db: Db, endpointId: string): Promise<number> {
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')));
  return rows.length;
}
