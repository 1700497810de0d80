/**
 * Isolation, proven on every route the router has (so a route added later is covered the day it is
 * added): two organizations with connections and synced data; a member of Globex reading or changing
 * anything of Acme (by id, by URL, through an embed session) gets 403/404 or their own data, never
 * Acme's, and changes nothing of Acme. Plus the role matrix: every route x {admin, viewer, member of
 * another organization, no member}.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, bjUsers, connections, invites, orgMembers } from '../../db/schema';
import { getOrCreateConnection } from '../../src/connections/store';
import { appRoutes } from '../../src/lib/roles';
import { SECRET, sessionCookie, signer } from '../embed/support';
import { accessApp, twoTenants } from './support';

const ACME_MARK = 'Acme-Enterprise-7d1f';
const ACME_USER = 'secret-user@acme-corp.example';

function concrete(path: string, ids: Record<string, string>): string {
  return path
    .replace(/:page\{[^}]+\}/, 'connect')
    .replace(/:(\w+)(\{[^}]+\})?/g, (_m, name: string) => ids[name] ?? 'x');
}

const BODY = new URLSearchParams({
  data: 'delete',
  email: 'alice@acme.example',
  role: 'viewer',
  org: 'acme',
  inactiveAfterDays: '90',
  appKey: 'k',
  appSecret: 's',
  pending: 'x',
}).toString();

async function setup() {
  const t = await accessApp({ EMBED_SECRET: SECRET });
  const { acme, globex } = await twoTenants(t);
  for (const [org, name, user] of [
    [acme, ACME_MARK, ACME_USER],
    [globex, 'Globex-Enterprise', 'someone@globex.example'],
  ] as const) {
    const row = await getOrCreateConnection(t.deps.db, org.id, 'bluejeans');
    await t.deps.db
      .update(connections)
      .set({ state: 'connected', sealedCredentials: 'sealed', enterpriseId: name, enterpriseName: name })
      .where(eq(connections.id, row.id));
    await t.deps.db.insert(bjUsers).values({
      connectionId: row.id,
      userId: `u-${org.slug}`,
      username: user,
      email: user,
      firstSeenAt: 1,
      lastListedAt: 1,
    });
  }
  const now = t.deps.clock.now();
  await t.deps.db.insert(invites).values({
    id: 'inv_acmeinvite1',
    orgId: acme.id,
    email: 'bj-admin@acme.example',
    tokenHash: 'h',
    createdBy: 'alice@acme.example',
    createdAt: now,
    expiresAt: now + 86_400_000,
  });
  const acmeState = async () => ({
    connection: await t.deps.db.select().from(connections).where(eq(connections.orgId, acme.id)).get(),
    members: await t.deps.db.select().from(orgMembers).where(eq(orgMembers.orgId, acme.id)).all(),
    invites: await t.deps.db.select().from(invites).where(eq(invites.orgId, acme.id)).all(),
    users: (await t.deps.db.select().from(bjUsers).all()).filter((u) => u.email === ACME_USER).length,
    audit: (await t.deps.db.select().from(auditLog).where(eq(auditLog.orgId, acme.id)).all()).length,
  });
  return { t, acme, globex, acmeState, ids: { id: 'inv_acmeinvite1', jobId: 'job_acme', runId: 'run_acme' } };
}

describe('isolation on every route', () => {
  it('a Globex admin gets nothing of Acme and changes nothing of Acme, by URL, id or form', async () => {
    const { t, acmeState, ids } = await setup();
    const before = await acmeState();
    const routes = appRoutes(t.app).filter((r) => !r.path.startsWith('/embed') && r.declaration !== 'public');
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) {
      const res = await t.as('gina@globex.example', concrete(r.path, ids), {
        method: r.method,
        ...(r.method === 'POST' ? { body: BODY } : {}),
      });
      const text = await res.text();
      expect(text, `${r.method} ${r.path}`).not.toContain(ACME_MARK);
      expect(text, `${r.method} ${r.path}`).not.toContain(ACME_USER);
      expect(res.status, `${r.method} ${r.path}`).toBeLessThan(500);
    }
    expect(await acmeState()).toEqual(before);
  }, 60_000);

  it('a Globex embed session reaches only Globex on every embed route', async () => {
    const { t, acmeState, ids } = await setup();
    const before = await acmeState();
    const sign = signer(() => t.deps.clock.now());
    const landing = await t.as(null, `/embed/card?token=${await sign({ org: 'globex', role: 'admin' })}`);
    const cookie = sessionCookie(landing);
    for (const r of appRoutes(t.app).filter((x) => x.path.startsWith('/embed'))) {
      const res = await t.as(null, concrete(r.path, ids), {
        method: r.method,
        cookie,
        ...(r.method === 'POST' ? { body: BODY } : {}),
      });
      const text = await res.text();
      expect(text, `${r.method} ${r.path}`).not.toContain(ACME_MARK);
      expect(res.status, `${r.method} ${r.path}`).toBeLessThan(500);
    }
    expect(await acmeState()).toEqual(before);
  });
});

describe('role matrix: every route x {admin, viewer, other organization, no member}', () => {
  it('admits and refuses exactly as each route declares', async () => {
    const { t, acmeState, ids } = await setup();
    const routes = appRoutes(t.app).filter((r) => !r.path.startsWith('/embed') && r.declaration !== 'public');
    for (const r of routes) {
      const path = concrete(r.path, ids);
      const send = (email: string) =>
        t.as(email, path, { method: r.method, ...(r.method === 'POST' ? { body: BODY } : {}) });
      const label = `${r.method} ${r.path}`;
      // No member of anything: 403 everywhere.
      expect((await send('nobody@nowhere.example')).status, label).toBe(403);
      // Viewer of Acme: 403 on admin routes (naming Acme's admin), admitted on viewer routes.
      const before = await acmeState();
      const viewer = await send('victor@acme.example');
      if (r.declaration === 'admin') {
        expect(viewer.status, label).toBe(403);
        expect(await viewer.text(), label).toContain('alice@acme.example');
        expect(await acmeState(), label).toEqual(before);
      } else {
        expect(viewer.status, label).not.toBe(403);
      }
      // Admin of Acme is never refused for lack of a role.
      const admin = await send('alice@acme.example');
      expect(admin.status, label).not.toBe(403);
    }
  }, 90_000);
});

describe('what a viewer is shown', () => {
  it('links on the pages a viewer opens lead only to what a viewer may open; an admin gets the archive and admin pages', async () => {
    const { t } = await setup();
    const hrefs = async (email: string, path = '/usage/users') => {
      const page = await t.as(email, path);
      expect(page.status).toBe(200);
      const html = await page.text();
      return [...html.matchAll(/href="(\/[^"]*)"/g)].map((m) => (m[1] as string).replaceAll('&amp;', '&'));
    };
    const viewerLinks = [
      ...(await hrefs('victor@acme.example')),
      ...(await hrefs('victor@acme.example', '/')),
      ...(await hrefs('victor@acme.example', '/licences')),
    ];
    expect(viewerLinks.some((h) => h.startsWith('/usage/users.csv'))).toBe(true);
    expect(viewerLinks).not.toContain('/export/bluejeans.zip');
    for (const href of new Set(viewerLinks)) {
      const res = await t.as('victor@acme.example', href);
      expect(res.status, href).not.toBe(403);
    }
    const adminLinks = await hrefs('alice@acme.example');
    expect(adminLinks).toContain('/export/bluejeans.zip');
    expect(adminLinks).toContain('/members');
  });
});
