/**
 * The Worker build itself, inside workerd: its fetch and scheduled handlers against a real libSQL
 * database reached over HTTP (the Hrana server from global-setup.ts), as in production with Turso.
 */

import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { createClient } from '@libsql/client/web';
import { afterAll, describe, expect, inject, it } from 'vitest';
import worker from '../../src/worker';

// Local mode serves loopback hosts only, so requests are addressed to localhost.
const origin = 'http://localhost';
const CRON = '*/15 * * * *';

// The test's own line to the database, to check what the Worker wrote.
const db = createClient({ url: inject('hranaUrl') });
afterAll(() => db.close());

interface Health {
  status: string;
  version: string;
  db: { ok: boolean; latencyMs: number };
  lastCron: { cron: string; at: string; runs: number } | null;
}

async function health(): Promise<Health> {
  const res = await exports.default.fetch(`${origin}/health`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Health;
}

async function runCron(scheduledTime: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: CRON, scheduledTime }), env, ctx);
  // `scheduled` hands the work to waitUntil; the run is only over when that settles.
  await waitOnExecutionContext(ctx);
}

describe('fetch', () => {
  it('serves the dashboard with the BlueJeans Connections card', async () => {
    const res = await exports.default.fetch(`${origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<h1>Connections</h1>');
    expect(html).toContain('id="bluejeans-card"');
    expect(html).toContain('<h3 id="bluejeans-card-title">BlueJeans</h3>');
    // The page came from the database: the card's connection row now exists there.
    const rows = await db.execute("SELECT vendor, state FROM connections WHERE vendor = 'bluejeans'");
    expect(rows.rows.map((r) => [r.vendor, r.state])).toEqual([['bluejeans', 'disconnected']]);
  });

  it('reports health with a real database round trip', async () => {
    const body = await health();
    expect(body).toMatchObject({ status: 'ok', version: expect.any(String), db: { ok: true } });
    expect(body.db.latencyMs).toEqual(expect.any(Number));
    expect(body).toHaveProperty('lastCron');
  });

  it('answers an unknown route with the 404 page', async () => {
    const res = await exports.default.fetch(`${origin}/no/such/page`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('Page not found');
    expect(html).toContain('<code>/no/such/page</code>');
  });
});

describe('scheduled', () => {
  it('records a heartbeat that /health reports as the last cron run', async () => {
    const before = (await health()).lastCron?.runs ?? 0;
    const later = Date.UTC(2031, 0, 2, 3, 15);
    const earlier = Date.UTC(2031, 0, 2, 3, 0);
    await runCron(later);
    // A late delivery of an older firing must not move the heartbeat back.
    await runCron(earlier);

    const { lastCron } = await health();
    expect(lastCron).toEqual({ cron: CRON, at: new Date(later).toISOString(), runs: before + 2 });
    const stored = await db.execute({
      sql: 'SELECT last_run_at, runs FROM cron_heartbeats WHERE cron = ?',
      args: [CRON],
    });
    expect(stored.rows.map((r) => [r.last_run_at, r.runs])).toEqual([[later, before + 2]]);
  });
});
