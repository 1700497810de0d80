/**
 * Delivering webhook events: an outbox row per (event, endpoint), attempted at once and then retried with
 * growing delays for up to 24 hours. On Workers each attempt is a queue message (`type: 'webhook'`, retries
 * delayed by the queue); on Node and Deno attempts run in this process (retries on a timer). Every cron
 * firing also sweeps deliveries that are due, so a restart or a lost message only delays an attempt.
 * An endpoint whose attempts have failed for a day is disabled until an admin re-enables it.
 */
import { and, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema';
import { recordAudit } from '../connections/audit';
import type { Deps } from '../deps';
import { newId } from '../lib/ids';
import type { WebhookEvent } from './events';
import { sendWebhook } from './outbound';
import { signedHeaders } from './signing';
import { slackMessage } from './slack';
import { type EndpointRow, eventsOf, secretBinding } from './store';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY_MS = 24 * HOUR;

/** Waits before each retry: 1 min, 5 min, 30 min, 2 h, 5 h, 8 h, 8 h (the last ~23.6 h after the first try). */
export const RETRY_DELAYS_MS = [MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 8 * HOUR, 8 * HOUR];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** How long an attempt holds its row: past the 5 s timeout, so a duplicate message cannot double-send. */
const CLAIM_MS = 60_000;

const inflight = new WeakMap<Deps, Set<Promise<unknown>>>();

/** Waits for this process's attempts in flight (the CLI before it exits; tests). */
export async function settleWebhookDeliveries(deps: Deps): Promise<void> {
  for (;;) {
    const pending = [...(inflight.get(deps) ?? [])];
    if (pending.length === 0) return;
    await Promise.allSettled(pending);
  }
}

function track(deps: Deps, p: Promise<unknown>): void {
  let set = inflight.get(deps);
  if (!set) {
    set = new Set();
    inflight.set(deps, set);
  }
  const s = set;
  const tracked = p
    .catch((err) => deps.logger.error('webhooks: attempt crashed', { err }))
    .finally(() => s.delete(tracked));
  s.add(tracked);
}

/** Hands a delivery to the queue (Workers) or to this process, now or after `delayMs`. */
async function dispatch(deps: Deps, deliveryId: string, delayMs = 0): Promise<void> {
  if (deps.queue) {
    const delaySeconds = Math.min(Math.ceil(delayMs / 1000), 12 * 3600); // Queues delay at most 12 h
    await deps.queue.send({ type: 'webhook', deliveryId }, delaySeconds > 0 ? { delaySeconds } : undefined);
    return;
  }
  if (delayMs <= 0) track(deps, attemptDelivery(deps, deliveryId));
  else deps.defer?.(delayMs, () => track(deps, attemptDelivery(deps, deliveryId)));
}

/**
 * Records the event for every enabled endpoint of its organization that subscribed to it (or only
 * `onlyEndpointId`, for a test event) and starts the first attempts. Never throws: a webhook problem must
 * not fail the sync that raised the event.
 */
export async function emitEvent(
  deps: Deps,
  event: WebhookEvent,
  options: { onlyEndpointId?: string } = {},
): Promise<string[]> {
  try {
    const endpoints = await deps.db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.orgId, event.organization.id), isNull(webhookEndpoints.disabledAt)));
    const targets = endpoints.filter((e) =>
      options.onlyEndpointId ? e.id === options.onlyEndpointId : eventsOf(e).includes(event.type),
    );
    if (targets.length === 0) return [];
    const now = deps.clock.now();
    const payload = JSON.stringify(event);
    const rows = targets.map((e) => ({
      id: newId('whd', now),
      endpointId: e.id,
      orgId: e.orgId,
      eventId: event.id,
      eventType: event.type,
      payload,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    }));
    await deps.db.insert(webhookDeliveries).values(rows);
    for (const r of rows) await dispatch(deps, r.id);
    return rows.map((r) => r.id);
  } catch (err) {
    deps.logger.error('webhooks: could not record an event', { type: event.type, err });
    return [];
  }
}

export type AttemptOutcome = 'succeeded' | 'retrying' | 'abandoned' | 'skipped';

/** One attempt of one delivery (a queue message, a timer, a sweep). Safe to call twice: the claim decides. */
export async function attemptDelivery(deps: Deps, deliveryId: string): Promise<AttemptOutcome> {
  const { db } = deps;
  const now = deps.clock.now();
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ claimedUntil: now + CLAIM_MS, attempts: sql`${webhookDeliveries.attempts} + 1`, updatedAt: now })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.claimedUntil), lt(webhookDeliveries.claimedUntil, now)),
      ),
    )
    .returning();
  if (!claimed) return 'skipped';
  const endpoint = await db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, claimed.endpointId))
    .get();
  if (!endpoint || endpoint.disabledAt != null) {
    await finish(deps, deliveryId, 'abandoned', now);
    return 'abandoned';
  }
  const request = await buildRequest(deps, endpoint, claimed.eventId, claimed.payload, now).catch(() => null);
  if (!request) {
    // The sealed secret cannot be opened (a key removed from the ring): no retry can help.
    deps.logger.error('webhooks: signing secret cannot be unsealed', { endpointId: endpoint.id });
    await finish(deps, deliveryId, 'abandoned', now);
    return 'abandoned';
  }
  const result = await sendWebhook(deps.outboundFetch, {
    url: endpoint.url,
    headers: request.headers,
    body: request.body,
    localMode: deps.config.AUTH_MODE === 'local',
    ...(deps.webhookTimeoutMs ? { timeoutMs: deps.webhookTimeoutMs } : {}),
    now: () => Date.now(),
  });
  const at = deps.clock.now();
  await db.insert(webhookAttempts).values({
    deliveryId,
    orgId: endpoint.orgId,
    endpointId: endpoint.id,
    eventType: claimed.eventType,
    attempt: claimed.attempts,
    at,
    statusCode: result.statusCode,
    ok: result.ok,
    error: result.error,
    durationMs: result.durationMs,
    responseExcerpt: result.responseExcerpt,
  });
  if (result.ok) {
    await db.batch([
      db
        .update(webhookDeliveries)
        .set({ status: 'succeeded', claimedUntil: null, nextAttemptAt: null, updatedAt: at })
        .where(eq(webhookDeliveries.id, deliveryId)),
      db
        .update(webhookEndpoints)
        .set({ failingSince: null, lastSuccessAt: at })
        .where(eq(webhookEndpoints.id, endpoint.id)),
    ]);
    return 'succeeded';
  }
  const failingSince = endpoint.failingSince ?? at;
  await db.update(webhookEndpoints).set({ failingSince }).where(eq(webhookEndpoints.id, endpoint.id));
  if (at - failingSince >= DAY_MS) {
    await disableEndpoint(deps, endpoint, at, result.error ?? 'failed');
    return 'abandoned';
  }
  if (claimed.attempts >= MAX_ATTEMPTS) {
    await finish(deps, deliveryId, 'abandoned', at);
    return 'abandoned';
  }
  const delay = RETRY_DELAYS_MS[claimed.attempts - 1] ?? DAY_MS;
  await db
    .update(webhookDeliveries)
    .set({ claimedUntil: null, nextAttemptAt: at + delay, updatedAt: at })
    .where(eq(webhookDeliveries.id, deliveryId));
  await dispatch(deps, deliveryId, delay);
  return 'retrying';
}

async function finish(deps: Deps, deliveryId: string, status: 'abandoned', at: number): Promise<void> {
  await deps.db
    .update(webhookDeliveries)
    .set({ status, claimedUntil: null, nextAttemptAt: null, updatedAt: at })
    .where(eq(webhookDeliveries.id, deliveryId));
}

async function disableEndpoint(
  deps: Deps,
  endpoint: EndpointRow,
  at: number,
  lastError: string,
): Promise<void> {
  const reason = `Every attempt for a day failed (last: ${lastError}).`;
  await deps.db.batch([
    deps.db
      .update(webhookEndpoints)
      .set({ disabledAt: at, disabledReason: reason })
      .where(eq(webhookEndpoints.id, endpoint.id)),
    deps.db
      .update(webhookDeliveries)
      .set({ status: 'abandoned', claimedUntil: null, nextAttemptAt: null, updatedAt: at })
      .where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.status, 'pending'))),
  ]);
  await recordAudit(deps.db, {
    orgId: endpoint.orgId,
    actor: 'webhooks',
    action: 'webhook.disabled',
    detail: { endpointId: endpoint.id, reason },
    at,
  });
  deps.logger.warn('webhooks: endpoint disabled after a day of failures', { endpointId: endpoint.id });
}

/** The body and headers of one attempt, in the endpoint's format, signed the Standard Webhooks way. */
async function buildRequest(
  deps: Deps,
  endpoint: EndpointRow,
  eventId: string,
  payload: string,
  now: number,
) {
  const body = endpoint.format === 'slack' ? JSON.stringify(slackMessage(JSON.parse(payload))) : payload;
  const secret = await deps.sealer.unseal(endpoint.sealedSecret, secretBinding(endpoint.orgId, endpoint.id));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': `Seatwise-Webhooks/${deps.version}`,
      ...(await signedHeaders(secret, eventId, Math.floor(now / 1000), body)),
    },
  };
}

/** Every delivery due now, for a cron firing: enqueued (Workers) or attempted here, a bounded number at a time. */
export async function deliverDueWebhooks(deps: Deps, limit = 100): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.claimedUntil), lt(webhookDeliveries.claimedUntil, now)),
      ),
    )
    .orderBy(webhookDeliveries.nextAttemptAt)
    .limit(limit);
  for (const d of due) {
    if (deps.queue) await dispatch(deps, d.id);
    else await attemptDelivery(deps, d.id);
  }
  return due.length;
}
