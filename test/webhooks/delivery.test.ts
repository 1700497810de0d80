import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { auditLog, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema';
import { manualClock } from '../../src/lib/clock';
import { consumeSyncMessages } from '../../src/sync/queue';
import { makeEvent } from '../../src/webhooks/connection-events';
import {
  DAY_MS,
  deliverDueWebhooks,
  emitEvent,
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
  settleWebhookDeliveries,
} from '../../src/webhooks/deliver';
import { MAX_RESPONSE_BYTES, TIMEOUT_MS } from '../../src/webhooks/outbound';
import { testApp } from '../helpers/deps';
import { headerRecord, receiver } from './support';

type T = Awaited<ReturnType<typeof testApp>>;

/** Adds an endpoint through the page, as an admin would; returns its id and the secret shown once. */
async function add(t: T, url: string, events = ['sync.completed', 'sync.failed'], format = 'standard') {
  const body = new URLSearchParams([['url', url], ...events.map((e) => ['events', e]), ['format', format]]);
  const res = await t.request('/settings/webhooks', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  const html = await res.text();
  expect(res.status, html).toBe(201);
  const secret = /<code id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(html)?.[1];
  expect(secret).toBeDefined();
  const rows = await t.deps.db.select().from(webhookEndpoints).orderBy(webhookEndpoints.id);
  return { id: rows.at(-1)!.id, secret: secret as string };
}

const syncCompleted = (t: T) => makeEvent(t.deps, 'sync.completed', 'local', null, { rowsWritten: 3 });
const advance = (t: T, ms: number) => (t.deps.clock as unknown as { advance(ms: number): void }).advance(ms);

async function attempts(t: T) {
  return t.deps.db.select().from(webhookAttempts).orderBy(webhookAttempts.id);
}

describe('webhook endpoints', () => {
  it('shows the signing secret once, keeps it sealed, and refuses unsafe URLs without saving anything', async () => {
    const t = await testApp({ clock: manualClock(Date.now()) });
    const r = await receiver();
    const { secret } = await add(t, r.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const row = await t.deps.db.select().from(webhookEndpoints).get();
    expect(row?.sealedSecret).not.toContain(secret.slice(6));
    const page = await (await t.request('/settings/webhooks')).text();
    expect(page).toContain(r.url);
    expect(page).not.toContain(secret);

    for (const url of ['http://example.com/x', 'https://169.254.169.254/', 'https://10.1.2.3/hook']) {
      const res = await t.request('/settings/webhooks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ url, events: 'sync.completed', format: 'standard' }),
      });
      expect(res.status, url).toBe(422);
      expect(await res.text()).toContain('Nothing was saved.');
    }
    const bad = await t.request('/settings/webhooks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ url: r.url, events: 'everything', format: 'standard' }),
    });
    expect(bad.status).toBe(422);
    expect(await t.deps.db.select().from(webhookEndpoints)).toHaveLength(1);
  });

  it('signs every event the Standard Webhooks way (verified by the standardwebhooks package)', async () => {
    const t = await testApp({ clock: manualClock(Date.now()) });
    const r = await receiver();
    const { secret } = await add(t, r.url);
    const event = syncCompleted(t);
    await emitEvent(t.deps, event);
    await settleWebhookDeliveries(t.deps);
    expect(r.received).toHaveLength(1);
    const got = r.received[0]!;
    const verified = new Webhook(secret).verify(got.body, headerRecord(got.headers)) as Record<
      string,
      unknown
    >;
    expect(verified).toMatchObject({ id: event.id, type: 'sync.completed', organization: { id: 'local' } });
    expect(got.headers['webhook-id']).toBe(event.id);
    // A forged body fails the same verifier: the test can fail.
    expect(() => new Webhook(secret).verify(got.body.replace('3', '4'), headerRecord(got.headers))).toThrow();
    const [a] = await attempts(t);
    expect(a).toMatchObject({ attempt: 1, statusCode: 200, ok: true, eventType: 'sync.completed' });
  });

  it('retries 5xx answers with growing delays, keeping the same webhook-id, until one succeeds', async () => {
    const t = await testApp({ clock: manualClock(Date.now()) });
    const r = await receiver((n) => ({ status: n < 3 ? 503 : 204 }));
    await add(t, r.url);
    await emitEvent(t.deps, syncCompleted(t));
    await settleWebhookDeliveries(t.deps);
    expect(r.received).toHaveLength(1);
    // Not due yet: a sweep sends nothing.
    advance(t, RETRY_DELAYS_MS[0]! - 1000);
    expect(await deliverDueWebhooks(t.deps)).toBe(0);
    advance(t, 1000);
    expect(await deliverDueWebhooks(t.deps)).toBe(1);
    advance(t, RETRY_DELAYS_MS[1]!);
    expect(await deliverDueWebhooks(t.deps)).toBe(1);
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    expect((await attempts(t)).map((a) => [a.attempt, a.statusCode, a.ok])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 204, true],
    ]);
    expect((await t.deps.db.select().from(webhookDeliveries).get())?.status).toBe('succeeded');
    const page = await (await t.request('/settings/webhooks')).text();
    expect(page).toMatch(/<td>503<\/td>\s*<td>2<\/td>/);
    // The schedule spans a day, growing: the last retry comes within 24 h of the first attempt.
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(DAY_MS);
    expect(total).toBeGreaterThan(23 * 3_600_000);
    expect(RETRY_DELAYS_MS.slice(0, 5)).toEqual([...RETRY_DELAYS_MS.slice(0, 5)].sort((a, b) => a - b));
  });

  it('cuts an attempt off at the timeout and counts it as a failure to retry', async () => {
    expect(TIMEOUT_MS).toBe(5000);
    const t = await testApp({ clock: manualClock(Date.now()) });
    t.deps.webhookTimeoutMs = 200;
    const r = await receiver((n) => (n === 1 ? { delayMs: 2000 } : {}));
    await add(t, r.url);
    await emitEvent(t.deps, syncCompleted(t));
    await settleWebhookDeliveries(t.deps);
    const [a] = await attempts(t);
    expect(a).toMatchObject({ ok: false, statusCode: null, error: 'timed out after 0.2 s' });
    expect(a!.durationMs).toBeLessThan(1500);
    advance(t, RETRY_DELAYS_MS[0]!);
    await deliverDueWebhooks(t.deps);
    expect((await attempts(t)).map((x) => x.ok)).toEqual([false, true]);
  });

  it('never follows a redirect and keeps at most 1 KB of a response', async () => {
    const t = await testApp({ clock: manualClock(Date.now()) });
    const inner = await receiver();
    const r = await receiver((n) =>
      n === 1 ? { status: 302, headers: { location: inner.url } } : { body: 'x'.repeat(50_000) },
    );
    await add(t, r.url);
    await emitEvent(t.deps, syncCompleted(t));
    await settleWebhookDeliveries(t.deps);
    expect(inner.received).toHaveLength(0);
    advance(t, RETRY_DELAYS_MS[0]!);
    await deliverDueWebhooks(t.deps);
    const [first, second] = await attempts(t);
    expect(first).toMatchObject({ ok: false, statusCode: 302, error: 'redirect not followed' });
    expect(second).toMatchObject({ ok: true, statusCode: 200 });
    expect(second!.responseExcerpt).toHaveLength(MAX_RESPONSE_BYTES);
  });

  it('disables an endpoint after a day of failures, shows it, and the admin re-enables it', async () => {
    const t = await testApp({ clock: manualClock(Date.now()) });
    const r = await receiver(() => ({ status: 500 }));
    const { id } = await add(t, r.url);
    await emitEvent(t.deps, syncCompleted(t));
    await settleWebhookDeliveries(t.deps);
    // A second event during the outage keeps the streak going past the first one's schedule.
    for (let hour = 1; hour <= 25; hour++) {
      advance(t, 3_600_000);
      if (hour === 20) await emitEvent(t.deps, syncCompleted(t));
      await deliverDueWebhooks(t.deps);
      await settleWebhookDeliveries(t.deps);
    }
    const endpoint = await t.deps.db.select().from(webhookEndpoints).get();
    expect(endpoint?.disabledAt).not.toBeNull();
    expect(endpoint?.disabledReason).toContain('HTTP 500');
    const tries = await attempts(t);
    expect(tries.length).toBeGreaterThan(MAX_ATTEMPTS - 1);
    expect(tries.every((a) => !a.ok)).toBe(true);
    expect(tries.at(-1)!.at - tries[0]!.at).toBeGreaterThanOrEqual(DAY_MS);
    // Disabled: no more attempts, new events are not even recorded for it.
    const sent = r.received.length;
    await emitEvent(t.deps, syncCompleted(t));
    advance(t, DAY_MS);
    await deliverDueWebhooks(t.deps);
    expect(r.received).toHaveLength(sent);
    const audit = await t.deps.db.select().from(auditLog).where(eq(auditLog.action, 'webhook.disabled'));
    expect(audit).toHaveLength(1);

    const page = await (await t.request('/settings/webhooks')).text();
    expect(page).toContain('Disabled since');
    expect(page).toContain(`action="/settings/webhooks/${id}/enable"`);
    const refusedTest = await t.request(`/settings/webhooks/${id}/test`, { method: 'POST' });
    expect(refusedTest.status).toBe(409);

    const enabled = await t.request(`/settings/webhooks/${id}/enable`, { method: 'POST' });
    expect(enabled.status).toBe(200);
    const row = await t.deps.db.select().from(webhookEndpoints).get();
    expect(row).toMatchObject({ disabledAt: null, failingSince: null });
    await emitEvent(t.deps, syncCompleted(t));
    await settleWebhookDeliveries(t.deps);
    expect(r.received).toHaveLength(sent + 1);
  }, 30_000);

  it('Send test event delivers a signed webhook.test to that endpoint only, and the log shows it', async () => {
    const t = await testApp({ clock: manualClock(Date.now()) });
    const r = await receiver();
    const other = await receiver();
    const { id, secret } = await add(t, r.url);
    await t.deps.db.update(webhookEndpoints).set({ createdAt: 0 }).where(eq(webhookEndpoints.id, id));
    await add(t, other.url, ['sync.completed']);
    const res = await t.request(`/settings/webhooks/${id}/test`, { method: 'POST' });
    expect(r.received).toHaveLength(1);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<code>webhook.test</code>');
    expect(other.received).toHaveLength(0);
    const payload = new Webhook(secret).verify(r.received[0]!.body, headerRecord(r.received[0]!.headers));
    expect(payload).toMatchObject({ type: 'webhook.test' });
    expect((await t.request('/settings/webhooks/whe_nothing/test', { method: 'POST' })).status).toBe(404);
  });

  it('sends the Slack format as a readable message', async () => {
    const t = await testApp({ clock: manualClock(Date.now()) });
    const r = await receiver();
    await add(t, r.url, ['sync.failed'], 'slack');
    await emitEvent(
      t.deps,
      makeEvent(t.deps, 'sync.failed', 'local', null, {
        error: { code: 'rate_limited', message: 'Too many requests' },
      }),
    );
    await settleWebhookDeliveries(t.deps);
    const body = JSON.parse(r.received[0]!.body);
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toContain('could not sync');
    expect(body.text).toContain('Too many requests');
  });

  it('goes through the queue on Workers: a `webhook` message per attempt, retries delayed by the queue', async () => {
    const t = await testApp({ clock: manualClock(Date.now()) });
    const r = await receiver((n) => ({ status: n === 1 ? 500 : 200 }));
    await add(t, r.url);
    const sent: { message: unknown; delaySeconds?: number }[] = [];
    t.deps.queue = {
      send: async (message, options) => {
        sent.push({ message, ...(options?.delaySeconds ? { delaySeconds: options.delaySeconds } : {}) });
      },
    };
    await emitEvent(t.deps, syncCompleted(t));
    expect(r.received).toHaveLength(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message).toMatchObject({ type: 'webhook' });
    const item = (body: unknown) => ({ body, attempts: 1, ack: () => undefined, retry: () => undefined });
    await consumeSyncMessages(t.deps, [item(sent[0]!.message)]);
    expect(r.received).toHaveLength(1);
    expect(sent[1]).toMatchObject({ message: sent[0]!.message, delaySeconds: RETRY_DELAYS_MS[0]! / 1000 });
    // A duplicate of the same message before the retry is due sends nothing.
    await consumeSyncMessages(t.deps, [item(sent[0]!.message)]);
    expect(r.received).toHaveLength(1);
    advance(t, RETRY_DELAYS_MS[0]!);
    await consumeSyncMessages(t.deps, [item(sent[1]!.message)]);
    expect(r.received).toHaveLength(2);
    expect((await t.deps.db.select().from(webhookDeliveries).get())?.status).toBe('succeeded');
  });
});
