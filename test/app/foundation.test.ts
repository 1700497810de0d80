import { describe, expect, it } from 'vitest';
import { recordCronRun } from '../../src/sync/heartbeat';
import { testApp } from '../helpers/deps';

describe('dashboard', () => {
  it('renders the layout with an empty BlueJeans Connections card', async () => {
    const { request } = await testApp();
    const res = await request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('/assets/htmx-4.0.1.min.js');
    expect(html).toContain('id="bluejeans-card"');
    expect(html).toContain('data-state="disconnected"');
    expect(html).toMatch(/>\s*Connect\s*</);
  });
});

describe('health', () => {
  it('reports version, a real database round trip, and no cron yet', async () => {
    const { request, deps } = await testApp();
    const res = await request('/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', version: deps.version, db: { ok: true }, lastCron: null });
  });

  it('reports the last cron run once one is recorded', async () => {
    const { request, deps } = await testApp();
    await recordCronRun(deps.db, '*/15 * * * *', Date.UTC(2026, 0, 1, 10));
    await recordCronRun(deps.db, '*/15 * * * *', Date.UTC(2026, 0, 1, 10, 15));
    const body = (await (await request('/health')).json()) as { lastCron: unknown };
    expect(body.lastCron).toEqual({ cron: '*/15 * * * *', at: '2026-01-01T10:15:00.000Z', runs: 2 });
  });

  it('answers 503 when the database is gone', async () => {
    const { request, deps } = await testApp();
    deps.db.$client.close();
    const res = await request('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', db: { ok: false } });
  });
});

describe('errors', () => {
  it('renders unknown routes as a 404 page in the layout', async () => {
    const { request } = await testApp();
    const res = await request('/nope/<script>');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('Page not found');
    expect(html).not.toContain('<script>');
  });

  it('turns an unexpected error into a generic 500 with a request id, logged once, no stack', async () => {
    const { app, request, deps } = await testApp();
    app.get('/boom', () => {
      throw new Error('secret internals at line 42');
    });
    const res = await request('/boom');
    expect(res.status).toBe(500);
    const html = await res.text();
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    expect(html).toContain(id!);
    expect(html).not.toContain('secret internals');
    expect(html).not.toMatch(/at .*\.ts:\d+/);
    expect(deps.logger.lines.filter((l) => l.includes('unhandled error'))).toHaveLength(1);
  });

  it('refuses a cross-origin POST with 403 and a clear message', async () => {
    const { request } = await testApp();
    const res = await request('/', { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('sent from another site');
  });
});
