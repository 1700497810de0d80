/**
 * The runnable portal example (examples/portal/, `npm run example:portal`) as a real process on its own
 * origin: it starts, signs an embed token on its server for each page view, and Seatwise accepts it,
 * so Chromium shows the card inside the portal's frame. Also: the README's screenshots are committed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeServer } from '../../src/node';
import { freePort, type Spawned, spawnProcess } from '../helpers/spawn';
import { startAppServer } from './app-server';
import { launchBrowser } from './browser';
import { SCREENS, WIDTHS } from './screens';

const SECRET = 'portal-example-secret-0123456789-abcdefghij';

let browser: Browser;
let server: NodeServer;
let portal: Spawned;
let portalUrl: string;

beforeAll(async () => {
  const port = await freePort();
  portalUrl = `http://localhost:${port}`;
  server = await startAppServer('portal', {
    env: {
      EMBED_SECRET: SECRET,
      EMBED_ALLOWED_ORIGINS: portalUrl,
    },
  });
  portal = spawnProcess('npx', ['tsx', 'examples/portal/server.ts'], {
    EMBED_SECRET: SECRET,
    SEATWISE_URL: server.url,
    PORTAL_PORT: String(port),
    PORTAL_ROLE: 'viewer',
  });
  const deadline = Date.now() + 30_000;
  while (!portal.output().includes('listening on') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await server?.close();
});

describe('examples/portal', () => {
  it('starts on its own origin and frames the card with a token it signed, which Seatwise accepts', async () => {
    expect(portal.output()).toContain(`Portal example listening on ${portalUrl}`);
    const res = await fetch(`${portalUrl.replace('localhost', '127.0.0.1')}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toMatch(new RegExp(`<iframe[^>]+src="${server.url}/embed/card\\?token=[\\w.-]+"`));
    expect(html).not.toContain(SECRET);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(portalUrl);
    const frame = page.frameLocator('#seatwise');
    await frame.locator('#bluejeans-card').waitFor();
    // PORTAL_ROLE=viewer: the card without buttons, as the token said.
    expect(await frame.locator('.badge').first().textContent()).toBe('Not connected');
    expect(await frame.locator('button').count()).toBe(0);
    // A second view signs a second token (single use): it opens the card again.
    await page.reload();
    await frame.locator('#bluejeans-card').waitFor();
    await context.close();
  });
});

describe('README screenshots', () => {
  it('are committed for every main screen at 1280 and 390 px, small PNGs the README shows', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const screen of SCREENS) {
      for (const width of WIDTHS) {
        const file = `docs/screenshots/${screen}-${width}.png`;
        expect(existsSync(file), file).toBe(true);
        expect(readFileSync(file).subarray(1, 4).toString(), file).toBe('PNG');
        expect(statSync(file).size, file).toBeLessThan(250_000);
      }
      expect(readme).toContain(`docs/screenshots/${screen}-1280.png`);
    }
  });
});
