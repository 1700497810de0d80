/**
 * The connect flows as an admin clicks them, in Chromium with htmx, against the
 * Node build pointed at the BlueJeans simulator (both on 127.0.0.1).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimServer } from '../../sim/server';
import type { NodeServer } from '../../src/node';
import { startAppServer } from './app-server';
import { launchBrowser, watchPage } from './browser';

let browser: Browser;
let sim: Awaited<ReturnType<typeof startSimServer>>;
let server: NodeServer;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  sim = await startSimServer({ port: 0, seed: 3, users: 40, days: 7 });
});

afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

beforeEach(async () => {
  // A fresh Seatwise (and database) per test: each flow starts disconnected.
  server = await startAppServer('connect', { simUrl: sim.url });
  page = await browser.newPage();
});

afterEach(async () => {
  await page?.close();
  await server?.close();
  sim.sim.control.restoreApp('demo-app-key');
});

const card = () => page.locator('#bluejeans-card');
const badge = () => card().locator('[data-state]');

async function openConnectForm() {
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => 'htmx' in window);
  await card().getByRole('button', { name: 'Connect' }).click();
  await page.waitForURL(/\/connections\/bluejeans\/connect/);
}

/** The happy path, for tests that start from a connected account. */
async function connectWithAppKey() {
  await openConnectForm();
  await page.fill('input[name=appKey]', 'demo-app-key');
  await page.fill('input[name=appSecret]', 'demo-app-secret');
  await page.getByRole('button', { name: 'Check credentials' }).click();
  await page.getByRole('button', { name: 'Confirm' }).click();
  // Wait for the saved card before navigating, or the navigation could cancel the Confirm request.
  await page.locator('#bluejeans-card [data-state="connected"]').waitFor();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => 'htmx' in window);
}

describe('connect with App Key and App Secret', () => {
  it('shows BlueJeans’ refusal next to the secret, then consents, connects and offers Reconnect', async () => {
    const watch = watchPage(page);
    await openConnectForm();
    await page.fill('input[name=appKey]', 'demo-app-key');
    await page.fill('input[name=appSecret]', 'not-the-secret');
    await page.getByRole('button', { name: 'Check credentials' }).click();
    const secretError = page.locator('#connect-flow').getByText('did not accept this App Key and App Secret');
    await secretError.waitFor();
    // The key is kept, the secret is never echoed back.
    expect(await page.inputValue('input[name=appKey]')).toBe('demo-app-key');
    expect(await page.inputValue('input[name=appSecret]')).toBe('');

    await page.fill('input[name=appSecret]', 'demo-app-secret');
    await page.getByRole('button', { name: 'Check credentials' }).click();
    await page.getByRole('button', { name: 'Confirm' }).waitFor();
    expect(await page.locator('#connect-flow').textContent()).toMatch(/read-only|only reads/i);
    await page.getByRole('button', { name: 'Confirm' }).click();

    await badge().waitFor();
    expect(await badge().getAttribute('data-state')).toBe('connected');
    expect(await card().getByRole('button', { name: 'Reconnect' }).count()).toBe(1);
    expect(await card().getByRole('button', { name: 'Connect', exact: true }).count()).toBe(0);
    const html = await page.content();
    expect(html).not.toContain('demo-app-secret');
    // The only console noise allowed is the 422 of the refused attempt.
    expect(watch.errors.filter((e) => !e.includes('422'))).toEqual([]);
  });

  it('cancelling at the consent step saves nothing', async () => {
    await openConnectForm();
    await page.fill('input[name=appKey]', 'demo-app-key');
    await page.fill('input[name=appSecret]', 'demo-app-secret');
    await page.getByRole('button', { name: 'Check credentials' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Confirm' }).waitFor({ state: 'detached' });
    await page.goto(`${server.url}/`);
    expect(await badge().getAttribute('data-state')).toBe('disconnected');
  });
});

describe('Sign in with BlueJeans (3-legged OAuth)', () => {
  it('goes to BlueJeans’ consent page, comes back and is connected', async () => {
    await openConnectForm();
    await page.getByRole('link', { name: 'Sign in with BlueJeans' }).click();
    await page.locator('input[name=method][value=oauth]').waitFor({ state: 'attached' });
    await page.fill('input[name=appKey]', 'demo-app-key');
    await page.fill('input[name=appSecret]', 'demo-app-secret');
    await page.locator('#connect-flow button[type=submit]').first().click();
    await page.waitForURL(new RegExp(`^${sim.url}/oauth2/authorize`));
    await page.fill('input[name=password]', sim.sim.credentials.adminUser.password);
    await page.getByRole('button', { name: 'Allow' }).click();
    // Back on a clean URL: the code and state never stay in the address bar.
    await page.waitForURL(`${server.url}/connections/bluejeans/oauth/consent`);
    // A first connection passes the consent step before anything is saved.
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('#bluejeans-card [data-state="connected"]').waitFor();
    expect(page.url()).not.toMatch(/[?&](code|state)=/);
    // A reload is harmless: the dashboard with the working connection, no false sign-in error.
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await badge().getAttribute('data-state')).toBe('connected');
    expect(await page.content()).not.toContain('not started in this browser');
  });
});

describe('reconnect', () => {
  it('after BlueJeans revoked the app: refused while revoked, then reconnected in place', async () => {
    await connectWithAppKey();
    const enterprise = await card().textContent();

    sim.sim.control.revokeApp('demo-app-key');
    await card().getByRole('button', { name: 'Reconnect' }).click();
    // Non-secret fields come back prefilled; the secret never does.
    expect(await page.inputValue('input[name=appKey]')).toBe('demo-app-key');
    expect(await page.inputValue('input[name=appSecret]')).toBe('');
    await page.fill('input[name=appSecret]', 'demo-app-secret');
    await page.getByRole('button', { name: 'Check and reconnect' }).click();
    await page.locator('#connect-flow [role=alert], #connect-flow .error').first().waitFor();

    sim.sim.control.restoreApp('demo-app-key');
    await page.fill('input[name=appSecret]', 'demo-app-secret');
    await page.getByRole('button', { name: 'Check and reconnect' }).click();
    await page.waitForURL(new RegExp(`^${server.url}/`));
    await page.goto(`${server.url}/`);
    expect(await badge().getAttribute('data-state')).toBe('connected');
    // Same connection, same enterprise: nothing already stored was lost.
    expect(await card().textContent()).toContain(enterprise?.match(/id \d+/)?.[0] ?? 'id');
  });
});

describe('disconnect', () => {
  it('asks first, keeps synced data by default, and returns the card to Connect', async () => {
    await connectWithAppKey();
    await page.waitForFunction(() => 'htmx' in window);
    await card().getByRole('button', { name: 'Disconnect' }).click();
    const keep = page.locator('input[name=data][value=keep]');
    await keep.waitFor();
    expect(await keep.isChecked()).toBe(true);
    await page.locator('#bluejeans-card button.danger').click();
    await page.waitForFunction(
      () =>
        document.querySelector('#bluejeans-card [data-state]')?.getAttribute('data-state') === 'disconnected',
    );
    expect(await card().getByRole('button', { name: 'Connect', exact: true }).count()).toBe(1);
  });
});
