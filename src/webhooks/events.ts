/**
 * Webhook events: what Seatwise tells receivers, and the JSON they get. Every event carries its id, type,
 * time, the organization and the connection, and the event's data (counts, errors, links back).
 */

export { WEBHOOK_FORMATS, type WebhookFormat } from '../../db/schema';

/** Events an endpoint can subscribe to. */
export const WEBHOOK_EVENTS = [
  'sync.completed',
  'sync.failed',
  'connection.needs_reauth',
  'connection.recovered',
  'licences.reclaimable',
  'reclaim.completed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Sent by "Send test event" only, whatever the endpoint subscribed to. */
export const TEST_EVENT = 'webhook.test';

export const EVENT_LABEL: Record<WebhookEventType, string> = {
  'sync.completed': 'Sync completed',
  'sync.failed': 'Sync failed',
  'connection.needs_reauth': 'Connection needs reconnecting',
  'connection.recovered': 'Connection recovered',
  'licences.reclaimable': 'Reclaimable seats changed',
  'reclaim.completed': 'Reclaim of seats finished',
};

export interface EventConnection {
  id: string;
  vendor: string;
  state: string;
  enterpriseId: string | null;
  enterpriseName: string | null;
}

export interface WebhookEvent {
  id: string;
  type: WebhookEventType | typeof TEST_EVENT;
  /** ISO 8601 UTC. */
  timestamp: string;
  organization: { id: string };
  connection: EventConnection | null;
  data: Record<string, unknown>;
}

/** Links back into Seatwise, absolute when PUBLIC_URL is known. */
export function links(publicUrl: string | undefined): Record<string, string> {
  const base = (publicUrl ?? '').replace(/\/$/, '');
  return { dashboard: `${base}/`, usage: `${base}/usage/users`, webhooks: `${base}/settings/webhooks` };
}
