/**
 * Every main page, as an admin sees it in Chromium, on one synced Seatwise (60 simulated users, 30 days):
 * no sideways scrolling at 390 px (a phone) or 1280 px (a laptop), no serious or critical axe-core
 * violation, headings in order; then the users table at 1280x800, keyboard focus after sort and page,
 * the live summary, the skip link, and the pages only reachable through a flow (consent, the card while
 * syncing, the embedded card in a host portal).
 */
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connections } from '../../db/schema';
import { seriousViolations, sidewaysOverflow } from './axe';
import { launchBrowser } from './browser';
import { type HostPortal, startHostPortal } from './embed-host';
import { type SyncedApp, startSyncedApp } from './fixture';

const SECRET = 'e2e-embed-secret-0123456789-abcdefghijklmnopqrs';

let browser: Browser;
let app: SyncedApp;
let host: HostPortal;

beforeAll(async () => {
  host = await startHostPortal();
  app = await startSyncedApp({ env: { EMBED_SECRET: SECRET, EMBED_ALLOWED_ORIGINS: host.origin } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await host?.close();
});

const PAGES: [string, string][] = [
  ['dashboard', '/'],
  ['connect form', '/connections/bluejeans/connect'],
  ['usage', '/usage/users'],
  ['licences', '/licences'],
  ['activity log', '/connections/bluejeans/audit'],
  ['invites', '/connections/bluejeans/invites'],
  ['members', '/members'],
  ['webhooks', '/settings/webhooks'],
];

async function open(path: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const res = await page.goto(`${app.server.url}${path}`);
  expect(res?.status()).toBe(200);
  await page.waitForFunction(() => 'htmx' in window);
  return page;
}

/** Heading levels in document order that skip one (h1 -> h3), as `h1 Title -> h3 Other`. */
function headingJumps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const hs = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'));
    const jumps: string[] = [];
    let last = 0;
    for (const h of hs) {
      const level = Number(h.tagName[1]);
      if (last > 0 && level > last + 1) jumps.push(`h${last} -> ${h.tagName.toLowerCase()} ${h.textContent}`);
      last = level;
    }
    return jumps;
  });
}

/** Everything a page check finds wrong at one width (empty = fine). */
async function problems(page: Page, width: number): Promise<unknown[]> {
  const found: unknown[] = [];
  const overflow = await sidewaysOverflow(page);
  if (overflow.over > 0) found.push({ width, ...overflow });
  const axe = await seriousViolations(page);
  if (axe.length > 0) found.push({ width, axe });
  const jumps = await headingJumps(page);
  if (jumps.length > 0) found.push({ width, jumps });
  return found;
}

describe('every main page', () => {
  it.each(PAGES)(
    '%s: fits 390 px and 1280 px, no serious axe violation, headings in order',
    async (_n, path) => {
      const found: unknown[] = [];
      for (const width of [390, 1280]) {
        const page = await open(path, width);
        // The check the issue names, as a plain number: no page scrolls sideways.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(
          (await sidewaysOverflow(page)).over <= 0,
        );
        found.push(...(await problems(page, width)));
        await page.close();
      }
      expect(found).toEqual([]);
    },
  );
});

describe('the users table', () => {
  it('is readable at 1280x800: every column in view, no inner scrolling, sticky names, details on demand', async () => {
    const page = await open('/usage/users');
    const box = await page.evaluate(() => {
      const scroller = document.getElementById('usage-table-scroll') as HTMLElement;
      const headers = Array.from(document.querySelectorAll('.users-table thead th')).map((th) => ({
        text: th.textContent?.replace(/[▲▼]/g, '').trim(),
        right: th.getBoundingClientRect().right,
      }));
      const name = document.querySelector('.users-table tbody th.col-name') as HTMLElement;
      return {
        inner: scroller.scrollWidth - scroller.clientWidth,
        headers,
        viewport: innerWidth,
        sticky: getComputedStyle(name).position,
      };
    });
    expect(box.inner).toBeLessThanOrEqual(0);
    expect(box.headers.map((h) => h.text)).toEqual([
      'Name',
      'E-mail',
      'Status',
      'Recommendation',
      'Last active',
      'Hosted',
      'Attended',
      'Minutes',
      'Features',
    ]);
    for (const h of box.headers) expect(h.right, h.text).toBeLessThanOrEqual(box.viewport);
    expect(box.sticky).toBe('sticky');

    // Details on demand: every feature count, zeros included, behind one disclosure per row.
    const details = page.locator('.users-table tbody tr').first().locator('details');
    expect(await details.locator('dl').isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await details.locator('dl').textContent()).toMatch(
      /Recording\d+ meetings?.*Personal room\d+ meeting/,
    );
    await page.close();
  });

  it('shows rows as labelled cards at 390 px, with the headings kept as sort links', async () => {
    const page = await open('/usage/users', 390);
    const firstRow = page.locator('.users-table tbody tr').first();
    const rowBox = await firstRow.boundingBox();
    expect(rowBox && rowBox.x + rowBox.width).toBeLessThanOrEqual(390);
    const label = await firstRow
      .locator('td[data-label="Minutes"]')
      .evaluate((td) => getComputedStyle(td, '::before').content);
    expect(label).toBe('"Minutes: "');
    expect(await page.locator('#sort-minutes').isVisible()).toBe(true);
    await page.close();
  });

  it('every column sorts, and focus stays on the heading that sorted', async () => {
    const page = await open('/usage/users');
    const sorts = await page.locator('.users-table thead th a').evaluateAll((as) => as.map((a) => a.id));
    expect(sorts).toEqual([
      'sort-name',
      'sort-email',
      'sort-status',
      'sort-recommendation',
      'sort-last_active',
      'sort-meetings',
      'sort-attended',
      'sort-minutes',
      'sort-features',
    ]);
    for (const id of ['sort-attended', 'sort-status']) {
      await page.focus(`#${id}`);
      const swapped = page.waitForResponse((r) => r.url().includes('/usage/users?') && r.status() === 200);
      await page.keyboard.press('Enter');
      await swapped;
      const column = id.slice('sort-'.length);
      await page.waitForFunction((c) => location.search.includes(`sort=${c}`), column);
      await page.waitForFunction(
        (c) => document.querySelector(`#sort-${c}`)?.closest('th')?.hasAttribute('aria-sort'),
        column,
      );
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(id);
      // The focus ring is visible on it (a real outline, not `none`).
      expect(
        await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle),
      ).not.toBe('none');
    }
    const statuses = await page
      .locator('.users-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')));
    // Status ascending: the seats that need attention first.
    const order = ['never', 'inactive', 'active', 'removed'];
    const ranks = statuses.map((s) => order.indexOf(s ?? ''));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    await page.close();
  });

  it('paging keeps focus on the pager, and only the short summary is a live region', async () => {
    const page = await open('/usage/users');
    expect(
      await page.locator('[aria-live]').evaluateAll((els) => els.map((e) => e.id).filter((id) => id !== '')),
    ).toEqual(['usage-announce']);
    expect(await page.locator('#usage-results').getAttribute('aria-live')).toBeNull();
    const before = await page.locator('#usage-announce').textContent();
    expect(before).toMatch(/^\d+ users, showing 1 to 50\.$/);

    await page.focus('#pager-next');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search.includes('page=2'));
    await page.waitForFunction(() =>
      document.querySelector('.pager span')?.textContent?.startsWith('Page 2'),
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toMatch(/^pager-(next|prev)$/);
    // The live region is the same element, refilled: screen readers hear the new sentence.
    expect(await page.locator('#usage-announce').textContent()).toMatch(/showing 51 to/);

    await page.fill('input[name=q]', 'zzz-nobody');
    await page.waitForFunction(
      () => document.getElementById('usage-announce')?.textContent === 'No users match.',
    );
    expect(await page.locator('#usage-announce').count()).toBe(1);
    await page.close();
  });
});

describe('keyboard', () => {
  it('the first Tab reaches "Skip to content", which moves focus into the page', async () => {
    const page = await open('/usage/users');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    expect(
      await page.evaluate(() => (document.activeElement as HTMLElement).getBoundingClientRect().top >= 0),
    ).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.close();
  });
});

describe('pages reached through a flow', () => {
  it('the card while syncing: progress shown, no serious axe violation, fits 390 px', async () => {
    app.sim.sim.control.setFaults({ latencyMs: 400 });
    const page = await open('/', 390);
    try {
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.locator('#bluejeans-card [role=progressbar]').waitFor();
      expect(await problems(page, 390)).toEqual([]);
    } finally {
      app.sim.sim.control.setFaults({ latencyMs: 0 });
    }
    await page.locator('#bluejeans-card[data-state="connected"]').waitFor({ timeout: 30_000 });
    await page.close();
  });

  it('the embedded card in a host portal has no serious axe violation', async () => {
    const token = await new SignJWT({ org: 'local', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('portal-user-1')
      .setAudience('seatwise-embed')
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(host.pageFor(`${app.server.url}/embed/card?token=${token}`));
    await page.frameLocator('#seatwise').locator('#bluejeans-card').waitFor();
    const frame = page.frames().find((f) => f.url().startsWith(app.server.url));
    if (!frame) throw new Error('the Seatwise frame is missing');
    expect(await seriousViolations(frame)).toEqual([]);
    await context.close();
  });

  it('the consent step of a first connect has no serious axe violation and fits 390 px', async () => {
    const db = app.server.deps.db;
    const saved = await db.select().from(connections).where(eq(connections.id, app.connectionId)).get();
    await db.update(connections).set({ state: 'disconnected' }).where(eq(connections.id, app.connectionId));
    const page = await open('/connections/bluejeans/connect', 390);
    try {
      await page.fill('input[name=appKey]', 'demo-app-key');
      await page.fill('input[name=appSecret]', 'demo-app-secret');
      await page.getByRole('button', { name: 'Check credentials' }).click();
      await page.getByRole('button', { name: 'Confirm' }).waitFor();
      expect(await problems(page, 390)).toEqual([]);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('button', { name: 'Confirm' }).waitFor({ state: 'detached' });
    } finally {
      await db
        .update(connections)
        .set({ state: saved?.state ?? 'connected' })
        .where(eq(connections.id, app.connectionId));
    }
    await page.close();
  });
});
