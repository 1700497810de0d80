/**
 * The role model: every route of the app's router declares what it needs, and a
 * caller without that role is refused before anything runs.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import type { AppEnv } from '../../src/deps';
import { appRoutes, grants, publicRoute, requireRole, undeclaredRoutes } from '../../src/lib/roles';
import { embedApp, sessionCookie } from '../embed/support';
import { testDeps } from '../helpers/deps';

/** A concrete URL for a router path (params get a plausible value). */
function concretePath(path: string): string {
  return path
    .replace(/:page\{[^}]+\}/, 'connect')
    .replace(/:id\{[^}]+\}|:id/, 'inv_nosuchinvite')
    .replace(/:jobId\{[^}]+\}|:jobId/, 'job_nosuchjob')
    .replace(/:(\w+)(\{[^}]+\})?/g, 'x');
}

describe('role declarations', () => {
  it('every route of the app declares admin, viewer or public', async () => {
    const app = createApp(await testDeps({ env: { EMBED_SECRET: 'x'.repeat(32) } }));
    const routes = appRoutes(app);
    expect(routes.length).toBeGreaterThan(15);
    expect(undeclaredRoutes(app)).toEqual([]);
    const publicOnes = routes.filter((r) => r.declaration === 'public').map((r) => `${r.method} ${r.path}`);
    expect(publicOnes).toEqual(['GET /health']);
  });

  it('finds a route that declares nothing, also inside a sub-app with its own onError', () => {
    const sub = new Hono<AppEnv>()
      .get('/ok', requireRole('viewer'), (c) => c.text('ok'))
      .post('/forgot', (c) => c.text('no'))
      .onError((_e, c) => c.text('err', 500));
    const app = new Hono<AppEnv>()
      .use(async (_c, next) => next())
      .get('/open', publicRoute('test'), (c) => c.text('open'))
      .route('/sub', sub);
    expect(undeclaredRoutes(app)).toEqual(['POST /sub/forgot']);
  });

  it('admin includes viewer; no role grants nothing', () => {
    expect(grants('admin', 'admin')).toBe(true);
    expect(grants('admin', 'viewer')).toBe(true);
    expect(grants('viewer', 'viewer')).toBe(true);
    expect(grants('viewer', 'admin')).toBe(false);
    expect(grants(undefined, 'viewer')).toBe(false);
  });
});

describe('a viewer (embed session) on every embed route', () => {
  it('is refused every admin route with 403 and admitted to every viewer route', async () => {
    const t = await embedApp();
    const landing = await t.request(`/embed/card?token=${await t.sign({ role: 'viewer' })}`);
    const cookie = sessionCookie(landing);
    const embedRoutes = appRoutes(t.app).filter((r) => r.path.startsWith('/embed/'));
    expect(embedRoutes.length).toBeGreaterThanOrEqual(5);
    for (const r of embedRoutes) {
      const res = await t.request(concretePath(r.path), {
        method: r.method,
        headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
        ...(r.method === 'POST' ? { body: 'data=delete' } : {}),
      });
      if (r.declaration === 'admin') {
        expect(res.status, `${r.method} ${r.path}`).toBe(403);
        expect(await res.text()).toContain('only an admin can do this');
      } else {
        expect(res.status, `${r.method} ${r.path}`).toBeLessThan(400);
      }
    }
  });

  it('without a session every embed route answers 401 and asks to reload', async () => {
    const t = await embedApp();
    for (const r of appRoutes(t.app).filter((x) => x.path.startsWith('/embed/'))) {
      const res = await t.request(concretePath(r.path), { method: r.method });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(await res.text()).toContain('Reload the page');
    }
  });
});
