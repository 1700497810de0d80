import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyEntry } from '../../src/lib/seal';
import { freePort, type Spawned, spawnProcess, waitForHttp } from '../helpers/spawn';

const running: Spawned[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

describe('npm run demo', () => {
  it('starts the simulator and Seatwise pointed at it, and prints how to connect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-demo-'));
    const [port, simPort] = [await freePort(), await freePort()];
    const proc = spawnProcess(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/demo.ts',
        '--port',
        String(port),
        '--sim-port',
        String(simPort),
        '--users',
        '50',
      ],
      { DATABASE_URL: `file:${join(dir, 'demo.db')}`, SEAL_KEYS: generateKeyEntry() },
    );
    running.push(proc);
    const health = await waitForHttp(`http://127.0.0.1:${port}/health`, proc);
    expect(health.status).toBe(200);
    const info = await fetch(`http://127.0.0.1:${simPort}/__sim/info`);
    expect(info.status).toBe(200);
    // The simulator really answers BlueJeans' token endpoint with the printed credentials.
    const token = await fetch(`http://127.0.0.1:${simPort}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'demo-app-key',
        client_secret: 'demo-app-secret',
      }),
    });
    expect(token.status).toBe(200);
    await waitForOutput(proc, 'Press Ctrl+C');
    const out = proc.output();
    expect(out).toContain(`http://127.0.0.1:${port}`);
    expect(out).toContain('demo-app-key / demo-app-secret');
  });
});

describe('npm run demo: reclaiming seats', () => {
  it('an admin sets a price, sees what unused seats cost, reclaims three, and the simulator no longer lists them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-demo-reclaim-'));
    const [port, simPort] = [await freePort(), await freePort()];
    const proc = spawnProcess(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/demo.ts',
        '--port',
        String(port),
        '--sim-port',
        String(simPort),
        '--users',
        '40',
        '--days',
        '10',
      ],
      { DATABASE_URL: `file:${join(dir, 'demo.db')}`, SEAL_KEYS: generateKeyEntry() },
    );
    running.push(proc);
    const base = `http://127.0.0.1:${port}`;
    const sim = `http://127.0.0.1:${simPort}`;
    await waitForHttp(`${base}/health`, proc);
    await waitForOutput(proc, 'Press Ctrl+C');
    expect(proc.output()).toContain('reclaim');
    // What a browser sends: same-origin form posts.
    const post = (path: string, body: Record<string, string | string[]>) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) for (const x of [v].flat()) params.append(k, x);
      return fetch(`${base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
        body: params.toString(),
      });
    };
    const consent = await (
      await post('/connections/bluejeans', { appKey: 'demo-app-key', appSecret: 'demo-app-secret' })
    ).text();
    const pending = /name="pending" value="([^"]+)"/.exec(consent)?.[1];
    expect(pending).toBeDefined();
    expect(
      (await post('/connections/bluejeans/confirm', { pending: pending!, allowRemoval: 'yes' })).status,
    ).toBe(303);
    expect((await post('/connections/bluejeans/sync', {})).status).toBeLessThan(400);
    const synced = async () =>
      (await (await fetch(`${base}/licences/summary.json`)).json()) as {
        dataAsOf: string | null;
        licensedUsers: number;
      };
    for (let i = 0; i < 300 && (await synced()).dataAsOf == null; i++)
      await new Promise((r) => setTimeout(r, 200));
    // The card settles to connected once the run finished.
    for (let i = 0; i < 300; i++) {
      const card = await (await fetch(`${base}/connections/bluejeans/card`)).text();
      if (card.includes('data-state="connected"')) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    expect(
      (await post('/licences/settings', { seatPrice: '15', billing: 'monthly', currency: 'USD' })).status,
    ).toBe(303);
    const summary = (await (await fetch(`${base}/licences/summary.json`)).json()) as {
      reclaimable: number;
      potentialSavingsAnnual: string;
    };
    expect(summary.reclaimable).toBeGreaterThanOrEqual(3);
    // 15 a month = 180 a year per unused seat.
    expect(summary.potentialSavingsAnnual).toBe(`${summary.reclaimable * 180}.00`);

    const users = await (await fetch(`${base}/usage/users?recommendation=reclaim`)).text();
    const ids = [...users.matchAll(/name="userId" value="([^"]+)"/g)].map((m) => m[1]!).slice(0, 3);
    expect(ids).toHaveLength(3);
    const review = await post('/licences/reclaim', { userId: ids });
    expect(review.status).toBe(200);
    expect(await review.text()).toContain('3 seats × $180.00 a year = $540.00 a year');
    const started = await post('/licences/reclaim', { userId: ids, confirm: '3' });
    expect(started.status).toBe(303);
    const progressUrl = `${base}${started.headers.get('location')}`;
    let page = '';
    for (let i = 0; i < 150; i++) {
      page = await (await fetch(progressUrl)).text();
      if (page.includes('data-finished="yes"')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(page).toContain('3 of 3 users handled: 3 removed');

    // The simulator no longer lists them.
    const token = (await (
      await fetch(`${sim}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: 'demo-app-key',
          client_secret: 'demo-app-secret',
        }),
      })
    ).json()) as { access_token: string };
    const info = (await (await fetch(`${sim}/__sim/info`)).json()) as { enterpriseId: string | number };
    const enterprise = String(info.enterpriseId);
    const listing = (await (
      await fetch(`${sim}/v1/enterprise/${enterprise}/users?pageSize=1000&fields=username`, {
        headers: { Authorization: `Bearer ${token.access_token}` },
      })
    ).json()) as { user: { id: number }[] };
    const listed = new Set(listing.user.map((u) => String(u.id)));
    expect(listed.size).toBeGreaterThan(10);
    for (const id of ids) expect(listed.has(id)).toBe(false);
    const after = (await (await fetch(`${base}/licences/summary.json`)).json()) as {
      realizedSavingsAnnual: string;
    };
    expect(after.realizedSavingsAnnual).toBe('540.00');
  }, 120_000);
});

async function waitForOutput(proc: Spawned, text: string) {
  for (let i = 0; i < 100 && !proc.output().includes(text); i++) await new Promise((r) => setTimeout(r, 100));
}
