/**
 * The README's screenshots, taken in Chromium from the same synced Seatwise the browser tests use
 * (test/e2e/fixture.ts) and the runnable portal example: dashboard, connect form with its guide, a sync
 * in progress, usage, and the embedded card in a portal, each at 1280 px and 390 px wide. Viewport-sized
 * PNGs at scale 1, so the committed files stay small.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { connections } from '../../db/schema';
import { startPortal } from '../../examples/portal/server';
import { freePort } from '../helpers/spawn';
import { launchBrowser } from './browser';
import { startSyncedApp } from './fixture';

export const WIDTHS = [1280, 390] as const;
export const SCREENS = ['dashboard', 'connect', 'syncing', 'usage', 'portal'] as const;
const HEIGHT: Record<(typeof WIDTHS)[number], number> = { 1280: 800, 390: 844 };
const SECRET = 'screenshots-embed-secret-0123456789-abcdefgh';

/** Writes `<screen>-<width>.png` for every screen and width into `dir`; returns the file names. */
export async function captureScreens(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  // The portal's port is needed before Seatwise starts (it must allow the portal to frame the card).
  const portalPort = await freePort();
  // Never synced: the first sync is the long one, so the progress shots catch it running.
  const app = await startSyncedApp({
    skipSync: true,
    env: { EMBED_SECRET: SECRET, EMBED_ALLOWED_ORIGINS: `http://localhost:${portalPort}` },
  });
  const portal = await startPortal({ secret: SECRET, seatwiseUrl: app.server.url, port: portalPort });
  const browser = await launchBrowser();
  const files: string[] = [];
  const db = app.server.deps.db;
  const setState = (state: 'connected' | 'disconnected') =>
    db.update(connections).set({ state }).where(eq(connections.id, app.connectionId));
  try {
    // A first sync at both widths while it runs (the same page, resized), past its first steps.
    const live = await browser.newPage({
      viewport: { width: 1280, height: HEIGHT[1280] },
      deviceScaleFactor: 1,
    });
    app.sim.sim.control.setFaults({ latencyMs: 40 });
    await live.goto(`${app.server.url}/`);
    await live.waitForFunction(() => 'htmx' in window);
    await live.getByRole('button', { name: 'Sync now' }).click();
    await live.waitForFunction(
      () =>
        Number(document.querySelector('#bluejeans-card [role=progressbar]')?.getAttribute('aria-valuenow')) >=
        30,
      undefined,
      { timeout: 60_000 },
    );
    for (const width of WIDTHS) {
      await live.setViewportSize({ width, height: HEIGHT[width] });
      const file = `syncing-${width}.png`;
      await live.screenshot({ path: join(dir, file) });
      files.push(file);
    }
    app.sim.sim.control.setFaults({ latencyMs: 0 });
    await live.locator('#bluejeans-card[data-state="connected"]').waitFor({ timeout: 60_000 });
    await live.close();

    for (const width of WIDTHS) {
      const page = await browser.newPage({
        viewport: { width, height: HEIGHT[width] },
        deviceScaleFactor: 1,
      });
      const shoot = async (name: string, p: Page = page) => {
        const file = `${name}-${width}.png`;
        await p.screenshot({ path: join(dir, file) });
        files.push(file);
      };
      const go = async (path: string) => {
        await page.goto(`${app.server.url}${path}`);
        await page.waitForFunction(() => 'htmx' in window);
      };
      await go('/');
      await shoot('dashboard');

      await setState('disconnected');
      await go('/connections/bluejeans/connect');
      await shoot('connect');
      await setState('connected');

      await go('/usage/users');
      await shoot('usage');

      await page.goto(portal.url);
      await page.frameLocator('#seatwise').locator('#bluejeans-card').waitFor();
      await shoot('portal');
      await page.close();
    }
  } finally {
    app.sim.sim.control.setFaults({ latencyMs: 0 });
    await browser.close();
    await portal.close();
    await app.close();
  }
  return files;
}
