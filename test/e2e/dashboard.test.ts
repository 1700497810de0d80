import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeServer } from '../../src/node';
import { startAppServer } from './app-server';
import { launchBrowser, watchPage } from './browser';

let browser: Browser;
let server: NodeServer;

beforeAll(async () => {
  server = await startAppServer('app');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('dashboard in Chromium', () => {
  it('loads htmx 4.0.1 and the stylesheet under the CSP, with no console errors', async () => {
    const page = await browser.newPage();
    const watch = watchPage(page);
    const res = await page.goto(`${server.url}/`);
    expect(res?.status()).toBe(200);
    await page.waitForFunction(() => 'htmx' in window);
    const version = await page.evaluate(
      () => (window as unknown as { htmx: { version: string } }).htmx.version,
    );
    expect(version).toMatch(/^4\.0\.1/);
    const cardVisible = await page.locator('#bluejeans-card').isVisible();
    expect(cardVisible).toBe(true);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(246, 247, 249)');
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it('shows the 404 page in the layout for an unknown route', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${server.url}/no/such/page`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await page.close();
  });
});
