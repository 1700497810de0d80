import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connections } from '../../db/schema';
import { pendingSyncs } from '../../src/sync/sync-now';
import { syncEnv } from './support';

const ORIGIN = 'http://127.0.0.1:8787';

function post(env: Awaited<ReturnType<typeof syncEnv>>, opts: { htmx?: boolean; origin?: string } = {}) {
  const headers: Record<string, string> = { Origin: opts.origin ?? ORIGIN };
  if (opts.htmx) headers['HX-Request'] = 'true';
  return env.app.request(`${ORIGIN}/connections/bluejeans/sync`, { method: 'POST', headers });
}

describe('POST /connections/bluejeans/sync (Sync now)', () => {
  it('starts a sync in the background and answers the syncing card fragment for htmx', async () => {
    const env = await syncEnv();
    const res = await post(env, { htmx: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html.startsWith('<section')).toBe(true);
    expect(html).toContain('data-state="syncing"');
    expect(html).toContain('Sync started.');
    expect(html).toContain('hx-trigger="every 3s"');
    expect(pendingSyncs(env.deps)).toHaveLength(1);

    // Progress is readable while it runs (GET on the same URL), then the run finishes.
    const progress = await env.app.request(`${ORIGIN}/connections/bluejeans/sync`, {
      headers: { 'HX-Request': 'true' },
    });
    expect(progress.status).toBe(200);
    await Promise.all(pendingSyncs(env.deps));
    const row = await env.row();
    expect(row.state).toBe('connected');
    expect(row.lastSyncedAt).not.toBeNull();

    const card = await (
      await env.app.request(`${ORIGIN}/connections/bluejeans/card`, { headers: { 'HX-Request': 'true' } })
    ).text();
    expect(card).toContain('Last successful sync');
    expect(card).toContain('Data as of');
    expect(card).toContain('Sync now');
  });

  it('shows "Syncing… N records" while a run is open', async () => {
    const env = await syncEnv();
    const { runSlice } = await import('../../src/sync/slice');
    await runSlice(env.deps, {
      connectionId: env.connectionId,
      trigger: 'cron',
      options: { requestBudget: 6, firstLookbackMs: 20 * 86_400_000 },
    });
    // Both the sync URL and the card's own polling URL show the live progress.
    for (const path of ['/connections/bluejeans/sync', '/connections/bluejeans/card']) {
      const html = await (
        await env.app.request(`${ORIGIN}${path}`, { headers: { 'HX-Request': 'true' } })
      ).text();
      expect(html).toContain('data-state="syncing"');
      expect(html).toMatch(/Syncing… [\d,]+ records \(/);
      expect(html).toContain('role="progressbar"');
    }
  });

  it('redirects a plain form post to the dashboard (303)', async () => {
    const env = await syncEnv();
    const res = await post(env);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    await Promise.all(pendingSyncs(env.deps));
  });

  it('refuses with 409 and a clear message when not connected or when credentials need renewing', async () => {
    const env = await syncEnv();
    await env.deps.db
      .update(connections)
      .set({ state: 'disconnected', sealedCredentials: null })
      .where(eq(connections.id, env.connectionId));
    const res = await post(env, { htmx: true });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('BlueJeans is not connected');

    await env.deps.db
      .update(connections)
      .set({ state: 'needs_reauth' })
      .where(eq(connections.id, env.connectionId));
    const again = await post(env, { htmx: true });
    expect(again.status).toBe(409);
    const html = await again.text();
    expect(html).toContain('Reconnect before syncing');
    expect(html).toMatch(/class="primary">\s*Reconnect/);
    expect(pendingSyncs(env.deps)).toHaveLength(0);
  });

  it('is refused cross-origin (CSRF) before anything happens', async () => {
    const env = await syncEnv();
    const res = await post(env, { htmx: true, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await env.row()).state).toBe('connected');
  });

  it('with a queue (Workers) sends one message instead of running here', async () => {
    const env = await syncEnv({ queue: true });
    const res = await post(env, { htmx: true });
    expect(res.status).toBe(200);
    expect(env.sent).toEqual([{ type: 'sync', connectionId: env.connectionId, trigger: 'manual' }]);
    expect(pendingSyncs(env.deps)).toHaveLength(0);
    // A second click while it runs starts nothing new.
    const again = await post(env, { htmx: true });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('A sync is already running.');
    expect(env.sent).toHaveLength(1);
  });
});
