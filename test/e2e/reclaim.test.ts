/**
 * Reclaiming seats as an admin clicks it, in Chromium with htmx, against the Node build and the
 * simulator (both on 127.0.0.1): opt in on the consent step, sync, set a price, tick three reclaim
 * recommendations, review (reasons and the saving), confirm, watch the progress poll to the end, and
 * find the three Removed "by Seatwise", gone from the simulator's listing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer } from '../../sim/server';
import type { NodeServer } from '../../src/node';
import { pendingSyncs } from '../../src/sync/sync-now';
import { startAppServer } from './app-server';
import { seriousViolations, sidewaysOverflow } from './axe';
import { launchBrowser, watchPage } from './browser';

let browser: Browser;
let sim: Awaited<ReturnType<typeof startSimServer>>;
let server: NodeServer;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  sim = await startSimServer({ port: 0, seed: 5, users: 40, days: 7 });
  server = await startAppServer('reclaim', {
    simUrl: sim.url,
    env: {
      BLUEJEANS_RATE_LIMIT: '50',
    },
  });
  page = await browser.newPage();
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await server?.close();
  await sim?.close();
});

async function listedIds(): Promise<Set<string>> {
  const token = (await (
    await fetch(`${sim.url}/oauth2/token?Client`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'demo-app-key',
        client_secret: 'demo-app-secret',
      }),
    })
  ).json()) as { access_token: string };
  const res = await fetch(
    `${sim.url}/v1/enterprise/${sim.sim.enterpriseId}/users?pageSize=1000&fields=username`,
    {
      headers: { Authorization: `Bearer ${token.access_token}` },
    },
  );
  const body = (await res.json()) as { user: { id: number }[] };
  return new Set(body.user.map((u) => String(u.id)));
}

describe('reclaiming seats in Chromium', () => {
  it('select -> review -> confirm -> progress -> Removed, and the simulator no longer lists them', async () => {
    const watch = watchPage(page);
    // Connect, opting in to removals on the consent step.
    await page.goto(`${server.url}/connections/bluejeans/connect`);
    await page.waitForFunction(() => 'htmx' in window);
    await page.fill('input[name=appKey]', 'demo-app-key');
    await page.fill('input[name=appSecret]', 'demo-app-secret');
    await page.getByRole('button', { name: 'Check credentials' }).click();
    await page.getByLabel('Allow Seatwise to remove users you approve').check();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('#bluejeans-card [data-state="connected"]').waitFor();
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForTimeout(200);
    await Promise.all(pendingSyncs(server.deps));

    // A price, so the review shows the saving.
    await page.goto(`${server.url}/licences`);
    await page.fill('input[name=seatPrice]', '10.50');
    await page.selectOption('select[name=billing]', 'monthly');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Licence settings saved.').waitFor();

    // Select three reclaim recommendations.
    await page.goto(`${server.url}/usage/users?recommendation=reclaim`);
    const boxes = page.locator('input[type=checkbox][name=userId]');
    expect(await boxes.count()).toBeGreaterThanOrEqual(3);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const box = boxes.nth(i);
      ids.push((await box.getAttribute('value')) ?? '');
      await box.check();
    }
    await page.getByRole('button', { name: 'Review selected users for removal' }).click();
    await page.waitForURL(/\/licences\/reclaim$/);
    expect(await page.locator('h1').textContent()).toBe('Review seats to reclaim');
    for (const id of ids)
      expect(await page.locator(`#reclaim-review tr[data-user-id="${id}"]`).count()).toBe(1);
    // 10.50 a month = 126.00 a year; three seats = 378.00.
    expect(await page.locator('#reclaim-saving').textContent()).toContain('$378.00 a year');
    expect(sim.sim.control.stats().removedUserIds).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    // And on a phone: nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await sidewaysOverflow(page)).toEqual({ over: expect.any(Number), culprits: [] });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 720 });

    // Confirm; BlueJeans answers slowly, so the progress page polls while the job runs.
    sim.sim.control.setFaults({ latencyMs: 400 });
    await page.getByRole('button', { name: 'Remove 3 users from BlueJeans' }).click();
    await page.waitForURL(/\/licences\/reclaim\/rcl_/);
    await page.locator('#reclaim-progress[data-finished="yes"]').waitFor({ timeout: 30_000 });
    sim.sim.control.setFaults({ latencyMs: 0 });
    const progress = (await page.locator('#reclaim-progress').textContent()) ?? '';
    expect(progress).toContain('3 of 3 users handled: 3 removed');
    expect(await page.locator('#reclaim-items tr[data-status="removed"]').count()).toBe(3);
    expect(await seriousViolations(page)).toEqual([]);
    // And on a phone: nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await sidewaysOverflow(page)).toEqual({ over: expect.any(Number), culprits: [] });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 720 });

    // Removed, by Seatwise, approved by the local admin; gone from the simulator.
    await page.goto(`${server.url}/usage/users?status=removed`);
    const removedText = (await page.locator('#usage-results').textContent()) ?? '';
    expect(removedText).toContain('by Seatwise on');
    expect(removedText).toContain('approved by local-admin');
    const listed = await listedIds();
    for (const id of ids) expect(listed.has(id)).toBe(false);
    expect([...sim.sim.control.stats().removedUserIds.map(String)].sort()).toEqual([...ids].sort());
    // Realized savings on Licences.
    await page.goto(`${server.url}/licences`);
    expect(await page.locator('[data-figure="Realized savings / year"]').textContent()).toContain('$378.00');
    expect(watch.errors).toEqual([]);
  }, 90_000);
});
