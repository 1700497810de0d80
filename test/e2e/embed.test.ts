import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connections } from '../../db/schema';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { NodeServer } from '../../src/node';
import { startAppServer } from './app-server';
import { launchBrowser, watchPage } from './browser';
import { type HostPortal, startHostPortal } from './embed-host';

const SECRET = 'e2e-embed-secret-0123456789-abcdefghijklmnopqrs';

let browser: Browser;
let server: NodeServer;
let host: HostPortal;
let stranger: HostPortal;

function token(role: 'admin' | 'viewer') {
  return new SignJWT({ org: 'local', role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('portal-user-7')
    .setAudience('seatwise-embed')
    .setIssuedAt()
    .setJti(crypto.randomUUID())
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

async function setState(state: 'syncing' | 'connected' | 'disconnected') {
  await ensureOrganization(server.deps.db, 'local');
  const row = await getOrCreateConnection(server.deps.db, 'local', 'bluejeans');
  await server.deps.db.update(connections).set({ state }).where(eq(connections.id, row.id));
}

beforeAll(async () => {
  host = await startHostPortal();
  stranger = await startHostPortal();
  server = await startAppServer('embed', {
    env: {
      EMBED_SECRET: SECRET,
      EMBED_ALLOWED_ORIGINS: host.origin,
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await host?.close();
  await stranger?.close();
});

/** Each test gets its own context: a fresh cookie jar, so sessions never leak between tests. */
async function framed(portal: HostPortal, role: 'admin' | 'viewer') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watch = watchPage(page);
  await page.goto(portal.pageFor(`${server.url}/embed/card?token=${await token(role)}`));
  return { context, page, watch, frame: page.frameLocator('#seatwise') };
}

function innerFrame(page: Page): Frame {
  const inner = page.frames().find((f) => f.url().startsWith(server.url));
  if (!inner) throw new Error('the Seatwise frame is missing');
  return inner;
}

describe('embedded card in Chromium', () => {
  it('renders inside a cross-site host portal, with the session in the partitioned jar, and polls', async () => {
    await setState('syncing');
    const { context, page, watch, frame } = await framed(host, 'admin');
    await frame.locator('#bluejeans-card').waitFor();
    expect(await frame.locator('.badge').textContent()).toBe('Syncing');
    // The token left the frame's URL with the 303.
    expect(innerFrame(page).url()).toBe(`${server.url}/embed/card`);

    // The cookie lives in the host portal's partition, with the attributes CHIPS needs;
    // Chromium accepts Secure (and __Host-) on http://127.0.0.1, a potentially trustworthy origin.
    const session = (await context.cookies(server.url)).find((c) => c.name === '__Host-seatwise_embed');
    expect(session).toMatchObject({
      domain: '127.0.0.1',
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'None',
      partitionKey: 'http://localhost',
    });

    // htmx polls the card (syncing) with the cookie; the card follows the state.
    const poll = await page.waitForResponse(
      (r) => r.url() === `${server.url}/embed/card` && r.request().headers()['hx-request'] === 'true',
      { timeout: 10_000 },
    );
    expect(poll.status()).toBe(200);
    expect((await poll.request().allHeaders()).cookie).toContain('__Host-seatwise_embed=');
    await setState('connected');
    await expect.poll(() => frame.locator('.badge').textContent(), { timeout: 10_000 }).toBe('Connected');
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('opens Connect in a popup, never navigating the frame away', async () => {
    await setState('disconnected');
    const { context, page, frame } = await framed(host, 'admin');
    await frame.locator('#bluejeans-card').waitFor();
    const inner = innerFrame(page);
    await inner.waitForFunction(() => 'htmx' in window);
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      frame.getByRole('button', { name: 'Connect' }).click(),
    ]);
    await popup.waitForLoadState();
    expect(new URL(popup.url()).pathname).toBe('/connections/bluejeans/connect');
    expect(inner.url()).toBe(`${server.url}/embed/card`);
    await context.close();
  });

  it('shows a viewer the card without buttons', async () => {
    await setState('connected');
    const { context, frame } = await framed(host, 'viewer');
    await frame.locator('#bluejeans-card').waitFor();
    expect(await frame.locator('.badge').textContent()).toBe('Connected');
    expect(await frame.locator('button').count()).toBe(0);
    await context.close();
  });

  it('is blocked in a host portal that EMBED_ALLOWED_ORIGINS does not name', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    const seatwise = page.waitForResponse((r) => r.url() === `${server.url}/embed/card`);
    await page.goto(stranger.pageFor(`${server.url}/embed/card?token=${await token('admin')}`));
    expect((await seatwise).status()).toBe(200);
    await expect
      .poll(() => messages.some((m) => m.includes('frame-ancestors')), { timeout: 10_000 })
      .toBe(true);
    expect(await page.frameLocator('#seatwise').locator('#bluejeans-card').count()).toBe(0);
    await context.close();
  });
});
