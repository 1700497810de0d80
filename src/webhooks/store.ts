/** Webhook endpoints and their delivery log, always scoped to one organization. */
import { and, desc, eq } from 'drizzle-orm';
import { type WebhookFormat, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema';
import { newId } from '../lib/ids';
import { findOwnedOrUndefined, type OrgScope, ownedBy } from '../lib/scope';
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
  scope: OrgScope,
  sealer: Sealer,
  input: { url: string; events: string[]; format: WebhookFormat; actor: string; now: number },
): Promise<{ endpoint: EndpointRow; secret: string }> {
  const id = newId('whe', input.now);
  const secret = generateSecret();
  const sealedSecret = await sealer.seal(secret, secretBinding(scope.orgId, id));
  const [endpoint] = await scope.db
    .insert(webhookEndpoints)
    .values({
      id,
      orgId: scope.orgId,
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

export async function listEndpoints(scope: OrgScope): Promise<EndpointRow[]> {
  return scope.db
    .select()
    .from(webhookEndpoints)
    .where(ownedBy(scope, webhookEndpoints))
    .orderBy(webhookEndpoints.createdAt);
}

export async function getEndpoint(scope: OrgScope, id: string): Promise<EndpointRow | undefined> {
  return findOwnedOrUndefined(scope, webhookEndpoints, id);
}

/** Re-enables a disabled endpoint: its failure streak starts afresh. */
export async function enableEndpoint(scope: OrgScope, id: string): Promise<boolean> {
  const r = await scope.db
    .update(webhookEndpoints)
    .set({ disabledAt: null, disabledReason: null, failingSince: null })
    .where(and(ownedBy(scope, webhookEndpoints), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  return r.length === 1;
}

export async function deleteEndpoint(scope: OrgScope, id: string): Promise<boolean> {
  const r = await scope.db
    .delete(webhookEndpoints)
    .where(and(ownedBy(scope, webhookEndpoints), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  return r.length === 1;
}

/** The newest attempts to one endpoint (the page's delivery log). */
export async function recentAttempts(scope: OrgScope, endpointId: string, limit = 20): Promise<AttemptRow[]> {
  return scope.db
    .select()
    .from(webhookAttempts)
    .where(and(ownedBy(scope, webhookAttempts), eq(webhookAttempts.endpointId, endpointId)))
    .orderBy(desc(webhookAttempts.id))
    .limit(limit);
}

/** Deliveries of one endpoint still waiting for an attempt (shown as "retrying"). */
export async function pendingCount(scope: OrgScope, endpointId: string): Promise<number> {
  const rows = await scope.db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        ownedBy(scope, webhookDeliveries),
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.status, 'pending'),
      ),
    );
  return rows.length;
}
