/**
 * The Webhooks page (admins): `GET /settings/webhooks`, `POST /settings/webhooks` (add: `url`, `events`
 * repeated, `format`), and per endpoint `POST /settings/webhooks/{id}/test | enable | delete`. Adding answers
 * with the page itself (201), because the signing secret is shown in that response only.
 */
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { recordAudit } from '../connections/audit';
import type { AppEnv } from '../deps';
import { userError } from '../lib/http-errors';
import { requireRole } from '../lib/roles';
import { z } from '../lib/zlite';
import { WebhooksPage, type WebhooksPageProps } from '../views/webhooks-page';
import { makeEvent } from '../webhooks/connection-events';
import { emitEvent, settleWebhookDeliveries } from '../webhooks/deliver';
import { TEST_EVENT, WEBHOOK_EVENTS, WEBHOOK_FORMATS, type WebhookFormat } from '../webhooks/events';
import { checkWebhookUrl } from '../webhooks/safe-url';
import {
  addEndpoint,
  deleteEndpoint,
  enableEndpoint,
  eventsOf,
  getEndpoint,
  listEndpoints,
  pendingCount,
  recentAttempts,
} from '../webhooks/store';
import { formBodyLimit } from './connection-support';
import { validate } from './validate';

type Ctx = Context<AppEnv>;

const BASE = '/settings/webhooks';
const MAX_ENDPOINTS = 20;

const AddForm = z.object({
  url: z.string().max(2000).default(''),
  events: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  format: z.string().optional(),
});

const IdParam = z.object({ id: z.string().regex(/^whe_[a-z0-9]{1,40}$/) });

async function page(c: Ctx, extra: Omit<WebhooksPageProps, 'endpoints'>, status: ContentfulStatusCode = 200) {
  const rows = await listEndpoints(c.var.scope);
  const endpoints = await Promise.all(
    rows.map(async (e) => ({
      id: e.id,
      url: e.url,
      format: e.format,
      events: eventsOf(e),
      createdAt: e.createdAt,
      disabledAt: e.disabledAt,
      disabledReason: e.disabledReason,
      failingSince: e.failingSince,
      pending: await pendingCount(c.var.scope, e.id),
      attempts: await recentAttempts(c.var.scope, e.id),
    })),
  );
  c.header('Cache-Control', 'no-store');
  return c.html(<WebhooksPage endpoints={endpoints} {...extra} />, status);
}

const idValidator = validate('param', IdParam, (r) => {
  if (!r.success) throw userError(404, 'There is no such webhook endpoint.');
});

async function endpointOr404(c: Ctx, id: string) {
  const e = await getEndpoint(c.var.scope, id);
  if (!e) throw userError(404, 'There is no such webhook endpoint (it may have been deleted).');
  return e;
}

export const webhookRoutes = new Hono<AppEnv>()
  .get(BASE, requireRole('admin'), (c) => page(c, {}))
  .post(
    BASE,
    requireRole('admin'),
    formBodyLimit,
    validate('form', AddForm, (r) => {
      if (!r.success) throw userError(400, 'That form could not be read. Nothing was saved.');
    }),
    async (c) => {
      const d = c.var.deps;
      const form = c.req.valid('form');
      const format = (WEBHOOK_FORMATS as readonly string[]).includes(form.format ?? 'standard')
        ? ((form.format ?? 'standard') as WebhookFormat)
        : undefined;
      const events = [...new Set(form.events)];
      const again = { url: form.url, events, ...(format ? { format } : {}) };
      const refuse = (error: string) => page(c, { error, form: again }, 422);
      if (!format) return refuse('Choose the Standard Webhooks or the Slack format.');
      const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
      if (unknown.length > 0) return refuse(`Unknown event: ${unknown.join(', ')}. Nothing was saved.`);
      if (events.length === 0) return refuse('Choose at least one event. Nothing was saved.');
      const check = checkWebhookUrl(form.url, { localMode: d.config.AUTH_MODE === 'local' });
      if (!check.ok) return refuse(`${check.reason} Nothing was saved.`);
      if ((await listEndpoints(c.var.scope)).length >= MAX_ENDPOINTS) {
        return refuse(`An organization can have at most ${MAX_ENDPOINTS} endpoints. Delete one first.`);
      }
      const now = d.clock.now();
      const { endpoint, secret } = await addEndpoint(c.var.scope, d.sealer, {
        url: check.url.toString(),
        events,
        format,
        actor: c.var.actor,
        now,
      });
      await recordAudit(c.var.scope.db, {
        orgId: c.var.scope.orgId,
        actor: c.var.actor,
        action: 'webhook.added',
        detail: { endpointId: endpoint.id, url: endpoint.url, events, format },
        at: now,
      });
      return page(c, { created: { id: endpoint.id, secret } }, 201);
    },
  )
  .post(`${BASE}/:id/test`, requireRole('admin'), idValidator, async (c) => {
    const d = c.var.deps;
    const endpoint = await endpointOr404(c, c.req.valid('param').id);
    if (endpoint.disabledAt != null) {
      return page(c, { error: 'This endpoint is disabled. Re-enable it before sending a test event.' }, 409);
    }
    const event = makeEvent(d, TEST_EVENT, c.var.scope.orgId, null, {
      message: 'A test event from Seatwise.',
    });
    // The first attempt starts at once (queued on Workers); in process, wait for it so the log shows it.
    await emitEvent(d, event, { onlyEndpointId: endpoint.id });
    if (!d.queue) await settleWebhookDeliveries(d);
    return page(c, { notice: d.queue ? 'Test event queued.' : 'Test event sent: see the delivery log.' });
  })
  .post(`${BASE}/:id/enable`, requireRole('admin'), idValidator, async (c) => {
    const d = c.var.deps;
    const endpoint = await endpointOr404(c, c.req.valid('param').id);
    await enableEndpoint(c.var.scope, endpoint.id);
    await recordAudit(c.var.scope.db, {
      orgId: c.var.scope.orgId,
      actor: c.var.actor,
      action: 'webhook.enabled',
      detail: { endpointId: endpoint.id },
      at: d.clock.now(),
    });
    return page(c, { notice: 'Endpoint re-enabled: new events will be sent to it.' });
  })
  .post(`${BASE}/:id/delete`, requireRole('admin'), idValidator, async (c) => {
    const d = c.var.deps;
    const endpoint = await endpointOr404(c, c.req.valid('param').id);
    await deleteEndpoint(c.var.scope, endpoint.id);
    await recordAudit(c.var.scope.db, {
      orgId: c.var.scope.orgId,
      actor: c.var.actor,
      action: 'webhook.deleted',
      detail: { endpointId: endpoint.id, url: endpoint.url },
      at: d.clock.now(),
    });
    return page(c, { notice: 'Endpoint deleted.' });
  });
