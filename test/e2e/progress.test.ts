/**
 * Honest progress and freshness, in Chromium: a first sync against a slowed simulator moves a determinate
 * bar by step ("Meetings, 2 of 5") with records, days, elapsed time and an estimate; the usage page shows
 * a banner that follows the sync and offers "See usage" when it ends; every usage view says "Data as of";
 * a disconnected account gets a notice with its last sync's date. Then the smaller points: enterprise
 * name on the card, tiles that link to the filtered table, Trends on the threshold, the activity log in
 * words, and the invite link's copy button.
 */
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setInactiveAfterDays } from '../../db/queries/usage';
import { connections } from '../../db/schema';
import { launchBrowser, watchPage } from './browser';
import { type SyncedApp, startSyncedApp } from './fixture';

let browser: Browser;
let app: SyncedApp;

beforeAll(async () => {
  // Connected, never synced: the first sync is the one a new admin watches.
  app = await startSyncedApp({ skipSync: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function open(path: string, page?: Page): Promise<Page> {
  const p = page ?? (await browser.newPage({ viewport: { width: 1280, height: 800 } }));
  await p.goto(`${app.server.url}${path}`);
  await p.waitForFunction(() => 'htmx' in window);
  return p;
}

const row = () =>
  app.server.deps.db.select().from(connections).where(eq(connections.id, app.connectionId)).get();

describe('a first sync, watched', () => {
  it('moves a determinate bar by step, with totals, elapsed time and an estimate; the usage banner follows it and offers See usage', async () => {
    app.sim.sim.control.setFaults({ latencyMs: 40 });
    const dashboard = await open('/');
    const watch = watchPage(dashboard);
    const usage = await open('/usage/users');
    try {
      await dashboard.getByRole('button', { name: 'Sync now' }).click();
      const bar = dashboard.locator('#bluejeans-card [role=progressbar]');
      await bar.waitFor();

      // The usage page (opened before the sync) learns of it by itself and shows the banner.
      await usage.locator('.sync-banner [role=progressbar]').waitFor({ timeout: 15_000 });
      expect(await usage.locator('.sync-banner').textContent()).toMatch(
        /figures below catch up with what it has written/,
      );

      const seen = new Set<number>();
      const texts = new Set<string>();
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline) {
        const state = await dashboard.locator('#bluejeans-card').getAttribute('data-state');
        if (state !== 'syncing') break;
        const now = await bar.getAttribute('aria-valuenow').catch(() => null);
        if (now != null) seen.add(Number(now));
        const text = await dashboard
          .locator('#bluejeans-card .sync-progress')
          .textContent()
          .catch(() => null);
        if (text) texts.add(text);
        await dashboard.waitForTimeout(700);
      }
      const all = [...texts].join('\n');
      // By step, with what BlueJeans' counts and the windows make known.
      // (Users, 1 of 5, is one page here: usually over before the first look.)
      const steps = new Set([...all.matchAll(/(\w[\w ]*), (\d) of 5/g)].map((m) => m[2]));
      expect(steps.size).toBeGreaterThanOrEqual(2);
      expect(all).toMatch(/(Meetings|Meeting history), [23] of 5/);
      expect(all).toMatch(/\d+ of \d+ days/);
      expect(all).toMatch(/\d+ s elapsed/);
      expect(all).toMatch(/about \d+ (s|min) left/);
      // The bar moves: several distinct values, growing.
      const values = [...seen];
      expect(values.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...values)).toBeGreaterThan(Math.min(...values));

      // When it ends: "See usage" on the usage page, which then shows the synced users.
      await usage.getByRole('link', { name: 'See usage' }).waitFor({ timeout: 30_000 });
      await usage.getByRole('link', { name: 'See usage' }).click();
      await usage.waitForURL(/\/usage\/users/);
      await usage.locator('.users-table tbody tr').first().waitFor();
      expect(await usage.locator('.sync-banner').count()).toBe(0);
      expect(watch.errors).toEqual([]);
    } finally {
      app.sim.sim.control.setFaults({ latencyMs: 0 });
      await dashboard.close();
      await usage.close();
    }
    await expect.poll(async () => (await row())?.state, { timeout: 30_000 }).toBe('connected');
  }, 120_000);
});

describe('freshness on usage views', () => {
  it('says Data as of, and what it means next to Last successful sync', async () => {
    const page = await open('/usage/users');
    const line = page.locator('#usage-freshness');
    expect(await line.textContent()).toMatch(/Data as of .*\d{4}.*Last successful sync/s);
    await line.getByText('What do these times mean?').click();
    expect(await line.textContent()).toMatch(/complete up to/);
    await page.close();
  });

  it('the licences page says Data as of too', async () => {
    const page = await open('/licences');
    expect(await page.locator('#usage-freshness').textContent()).toMatch(/Data as of .*\d{4}/s);
    await page.close();
  });

  it('tells a disconnected account apart, with the date of the last sync', async () => {
    const before = await row();
    await app.server.deps.db
      .update(connections)
      .set({ state: 'disconnected' })
      .where(eq(connections.id, app.connectionId));
    try {
      const page = await open('/usage/users');
      const date = new Date(before?.lastSyncedAt ?? 0).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      });
      const notice = page.locator('#usage-freshness .notice');
      expect(await notice.textContent()).toMatch(/disconnected, so these figures no longer update/);
      expect(await notice.textContent()).toContain(date);
      await page.close();
    } finally {
      await app.server.deps.db
        .update(connections)
        .set({ state: before?.state ?? 'connected' })
        .where(eq(connections.id, app.connectionId));
    }
  });
});

describe('the smaller points', () => {
  it('the card names the enterprise the synced meetings name', async () => {
    const page = await open('/');
    expect((await row())?.enterpriseName).toBeTruthy();
    expect(await page.locator('#bluejeans-card dl').textContent()).toContain(
      `${(await row())?.enterpriseName}`,
    );
    await page.close();
  });

  it('tiles link to the filtered table, and Reclaimable gives a seat count', async () => {
    const page = await open('/usage/users');
    const tile = (label: string) => page.locator(`.tile:has(.tile-label:text-is("${label}"))`);
    const reclaim = tile('Reclaimable');
    const inactive = Number(await tile('Inactive').locator('.tile-value').textContent());
    const never = Number(await tile('Never used').locator('.tile-value').textContent());
    expect(await reclaim.textContent()).toContain(`${inactive + never} seat`);
    await tile('Active').getByRole('link').click();
    await page.waitForURL(/status=active/);
    const statuses = await page
      .locator('.users-table tbody tr')
      .evaluateAll((trs) => [...new Set(trs.map((tr) => tr.getAttribute('data-status')))]);
    expect(statuses).toEqual(['active']);
    await page.close();
  });

  it('Trends follow the organisation’s threshold, like Feature adoption', async () => {
    await setInactiveAfterDays(app.server.deps.db, 'local', 90);
    try {
      const page = await open('/usage/users');
      expect(await page.locator('#usage-charts-title').textContent()).toMatch(/last 90 days/);
      expect(await page.locator('#chart-active-users').textContent()).toContain(
        'Daily active users, last 90 days',
      );
      await page.close();
    } finally {
      await setInactiveAfterDays(app.server.deps.db, 'local', 30);
    }
  });

  it('the activity log speaks in words, and a refused App Secret names its field', async () => {
    const before = await row();
    await app.server.deps.db
      .update(connections)
      .set({ state: 'disconnected' })
      .where(eq(connections.id, app.connectionId));
    const page = await open('/connections/bluejeans/connect');
    try {
      await page.fill('input[name=appKey]', 'demo-app-key');
      await page.fill('input[name=appSecret]', 'not-the-secret');
      await page.getByRole('button', { name: 'Check credentials' }).click();
      await page.locator('#connect-flow').getByText('did not accept').first().waitFor();
    } finally {
      await app.server.deps.db
        .update(connections)
        .set({ state: before?.state ?? 'connected' })
        .where(eq(connections.id, app.connectionId));
    }
    await open('/connections/bluejeans/audit', page);
    const log = (await page.locator('main table').textContent()) ?? '';
    expect(log).toContain('field: App Secret');
    expect(log).toContain('method: App Key and App Secret');
    expect(log).toContain('started by: Sync now');
    expect(log).not.toMatch(/client_credentials|appSecret|needs_reauth|sync_error/);
    await page.close();
  });

  it('the invite link has a copy button that puts the link on the clipboard', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url });
    const page = await context.newPage();
    await open('/connections/bluejeans/invites', page);
    await page.fill('input[name=email]', 'admin@example.com');
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const link = await page.locator('#invite-link').inputValue();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.locator('#invite-link-copied', { hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await context.close();
  });
});
