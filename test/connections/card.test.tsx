import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../db/schema';
import { BLUEJEANS_URLS } from '../../src/connections/card-model';
import { ConnectionCard, type ConnectionCardModel, cardActions } from '../../src/views/connection-card';
import { connectWithAppKey, moveTo, patchConnection, simApp } from './support';

const NOW = Date.UTC(2026, 0, 15, 12);

function model(state: ConnectionState, extra: Partial<ConnectionCardModel> = {}): ConnectionCardModel {
  return { vendor: 'bluejeans', state, now: NOW, urls: BLUEJEANS_URLS, ...extra };
}

async function render(m: ConnectionCardModel): Promise<string> {
  return (await (<ConnectionCard model={m} />)).toString();
}

describe('GET /connections/bluejeans/card', () => {
  it('returns the card fragment for htmx and a full page otherwise (one URL, two shapes)', async () => {
    const s = await simApp();
    const fragment = await s.get('/connections/bluejeans/card', { htmx: true });
    expect(fragment.status).toBe(200);
    expect(fragment.headers.get('cache-control')).toBe('no-store');
    const html = await fragment.text();
    expect(html.startsWith('<section')).toBe(true);
    expect(html).toContain('id="bluejeans-card"');
    const page = await s.get('/connections/bluejeans/card');
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(pageHtml).toContain('<!DOCTYPE html>');
    expect(pageHtml).toContain('id="bluejeans-card"');
  });

  it('disconnected: Connect only, an invite link, no polling', async () => {
    const s = await simApp();
    const html = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(html).toContain('data-state="disconnected"');
    expect(html).toMatch(/<button type="submit" class="primary">\s*Connect\s*<\/button>/);
    expect(html).not.toContain('Reconnect');
    expect(html).not.toContain('Disconnect');
    expect(html).toContain('Invite your admin');
    expect(html).not.toContain('hx-trigger');
  });

  it('connected, before the first sync: enterprise, account, Reconnect and Disconnect, no polling', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    const html = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(html).toContain('data-state="connected"');
    expect(html).toContain(`id ${s.sim.enterpriseId}`);
    expect(html).toContain('demo-app-key · App Key and App Secret');
    expect(html).toContain('The first sync starts within 15 minutes');
    expect(html).toMatch(/<button type="submit">\s*Reconnect\s*<\/button>/);
    expect(html).toMatch(/<button type="submit" class="danger">\s*Disconnect\s*<\/button>/);
    expect(html).not.toMatch(/>\s*Connect\s*</);
    expect(html).not.toContain('hx-trigger');
    expect(html).not.toContain('Invite your admin');
  });

  it('connected after syncs: last successful sync and data as of', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    await patchConnection(s, {
      lastSyncedAt: s.clock.now() - 5 * 60_000,
      dataAsOf: s.clock.now() - 20 * 60_000,
    });
    const html = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(html).toContain('Last successful sync');
    expect(html).toContain('(5 minutes ago)');
    expect(html).toContain('Data as of');
    expect(html).toContain('(20 minutes ago)');
  });

  it('syncing: refreshes itself by morphing while the state is changing', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    await moveTo(s, 'syncing');
    const html = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(html).toContain('data-state="syncing"');
    expect(html).toContain('hx-get="/connections/bluejeans/card"');
    expect(html).toContain('hx-trigger="every 3s"');
    expect(html).toContain('hx-swap="outerMorph"');
    expect(html).toContain('aria-busy="true"');
    await moveTo(s, 'connected', { lastSyncedAt: s.clock.now() });
    const idle = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(idle).not.toContain('hx-trigger');
    expect(idle).not.toContain('aria-busy');
  });

  it('sync error: when the retry is and what went wrong', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    await moveTo(s, 'sync_error', {
      lastError: 'BlueJeans is having trouble right now (HTTP 503).',
      nextSyncAt: s.clock.now() + 10 * 60_000,
    });
    const html = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(html).toContain('Sync error, retrying');
    expect(html).toContain('Seatwise retries');
    expect(html).toContain('(in 10 minutes)');
    expect(html).toContain('HTTP 503');
  });

  it('needs reauth: Reconnect is the primary action, the invite link is offered', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    await moveTo(s, 'needs_reauth', { lastError: 'BlueJeans rejected the access Seatwise holds.' });
    const html = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(html).toContain('Access expired: reconnect');
    expect(html).toMatch(/<button type="submit" class="primary">\s*Reconnect/);
    expect(html).toContain('BlueJeans rejected the access');
    expect(html).toContain('Invite your admin');
  });

  it('paused: says no syncs run, offers Reconnect and Disconnect', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    await moveTo(s, 'paused');
    const html = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(html).toContain('data-state="paused"');
    expect(html).toContain('No syncs run while paused');
    expect(html).toContain('Disconnect');
  });

  it('is accessible: status announced politely, actions are buttons, the logo has a name', async () => {
    const html = await render(model('connected'));
    expect(html).toContain('id="bluejeans-card-status" role="status" aria-live="polite" aria-atomic="true"');
    expect(html).toContain('aria-labelledby="bluejeans-card-title"');
    expect(html).toContain('aria-label="BlueJeans logo"');
    expect(html).not.toMatch(/<a[^>]*>\s*(Reconnect|Disconnect)/);
  });

  it('the dashboard shows only known notices', async () => {
    const s = await simApp();
    const html = await (await s.get('/?notice=<script>alert(1)</script>')).text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('class="notice"');
  });
});

describe('ConnectionCard (props the sync engine will fill)', () => {
  it('shows live progress while syncing', async () => {
    const html = await render(
      model('syncing', { pollSeconds: 3, sync: { phase: 'meetings', done: 40, total: 160 } }),
    );
    expect(html).toContain('role="progressbar"');
    expect(html).toContain('aria-valuenow="25"');
    expect(html).toContain('meetings: 40 of 160');
  });

  it('offers Sync now only when allowed and idle enough', async () => {
    const urls = { ...BLUEJEANS_URLS, syncNow: '/connections/bluejeans/sync' };
    expect(cardActions(model('connected', { canSyncNow: true, urls })).syncNow).toBe(true);
    expect(cardActions(model('sync_error', { canSyncNow: true, urls })).syncNow).toBe(true);
    expect(cardActions(model('syncing', { canSyncNow: true, urls })).syncNow).toBe(false);
    expect(cardActions(model('connected', { canSyncNow: false, urls })).syncNow).toBe(false);
    expect(cardActions(model('connected', { canSyncNow: true })).syncNow).toBe(false);
    const html = await render(model('connected', { canSyncNow: true, urls }));
    expect(html).toContain('hx-post="/connections/bluejeans/sync"');
    expect(html).toMatch(/<button type="submit">Sync now<\/button>/);
  });

  it('has no buttons for read-only viewers', async () => {
    for (const state of ['disconnected', 'connected', 'needs_reauth'] as const) {
      expect(cardActions(model(state, { readOnly: true }))).toEqual({
        connect: false,
        reconnect: false,
        disconnect: false,
        syncNow: false,
      });
      expect(await render(model(state, { readOnly: true }))).not.toContain('<button');
    }
  });

  it('shows each button only in the states where it makes sense', () => {
    const table = (
      ['disconnected', 'connected', 'syncing', 'sync_error', 'needs_reauth', 'paused'] as const
    ).map((state) => [state, cardActions(model(state))] as const);
    expect(Object.fromEntries(table)).toEqual({
      disconnected: { connect: true, reconnect: false, disconnect: false, syncNow: false },
      connected: { connect: false, reconnect: 'secondary', disconnect: true, syncNow: false },
      syncing: { connect: false, reconnect: 'secondary', disconnect: true, syncNow: false },
      sync_error: { connect: false, reconnect: 'secondary', disconnect: true, syncNow: false },
      needs_reauth: { connect: false, reconnect: 'primary', disconnect: true, syncNow: false },
      paused: { connect: false, reconnect: 'secondary', disconnect: true, syncNow: false },
    });
  });
});
