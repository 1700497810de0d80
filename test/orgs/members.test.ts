/** Organizations and members: Access membership, the switcher, the Members page and `npm run org`. */
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/connections/audit';
import { runOrgCli } from '../../src/orgs/cli';
import { findOrgBySlug, listMembers } from '../../src/orgs/store';
import { testDb } from '../helpers/deps';
import { accessApp, CERTS, twoTenants } from './support';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('Access mode: the email selects the organizations', () => {
  it('fetches keys from ACCESS_CERTS_URL and serves a member their organization', async () => {
    const t = await accessApp();
    await twoTenants(t);
    const res = await t.as('Alice@Acme.example', '/members');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Members of Acme');
    expect(html).toContain('victor@acme.example');
    expect(html).not.toContain('gina@globex.example');
    expect(t.fetched).toContain(CERTS);
  });

  it('answers an unknown email with 403 saying whom to ask', async () => {
    const t = await accessApp();
    await twoTenants(t);
    const res = await t.as('mallory@evil.example', '/');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('not a member of any organization');
  });

  it('refuses ACCESS_CERTS_URL over plain http off loopback', async () => {
    await expect(accessApp({ ACCESS_CERTS_URL: 'http://keys.example.com/certs' })).rejects.toThrow(
      /ACCESS_CERTS_URL/,
    );
  });

  it('the switcher chooses among the person’s organizations only', async () => {
    const t = await accessApp();
    const { globex } = await twoTenants(t);
    const { addMember } = await import('../../src/orgs/store');
    await addMember(t.deps.db, {
      orgId: globex.id,
      email: 'alice@acme.example',
      role: 'viewer',
      actor: 't',
      now: 1,
    });
    const list = await (await t.as('alice@acme.example', '/orgs')).text();
    expect(list).toContain('Switch to Globex');
    const sw = await t.as('alice@acme.example', '/orgs/switch', {
      method: 'POST',
      body: form({ org: 'globex' }),
    });
    expect(sw.status).toBe(303);
    const cookie = sw.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(cookie).toBe('seatwise_org=globex');
    // In Globex Alice is a viewer: the Members page is refused and names Globex's admin.
    const refused = await t.as('alice@acme.example', '/members', { cookie });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('gina@globex.example');
    // Gina cannot switch into Acme, and a forged cookie naming Acme leaves her in Globex.
    const denied = await t.as('gina@globex.example', '/orgs/switch', {
      method: 'POST',
      body: form({ org: 'acme' }),
    });
    expect(denied.status).toBe(404);
    const forged = await t.as('gina@globex.example', '/members', { cookie: 'seatwise_org=acme' });
    expect(await forged.text()).toContain('Members of Globex');
  });
});

describe('the Members page', () => {
  it('adds, changes and removes members; the last admin stays; every change is logged', async () => {
    const t = await accessApp();
    const { acme } = await twoTenants(t);
    const post = (path: string, fields: Record<string, string>) =>
      t.as('alice@acme.example', path, {
        method: 'POST',
        body: form(fields),
        headers: { 'HX-Request': 'true' },
      });

    expect((await post('/members', { email: 'Bob@Acme.example', role: 'admin' })).status).toBe(200);
    expect((await post('/members', { email: 'bob@acme.example', role: 'viewer' })).status).toBe(409);
    expect((await post('/members', { email: 'not-an-email', role: 'viewer' })).status).toBe(422);
    expect((await post('/members/role', { email: 'bob@acme.example', role: 'viewer' })).status).toBe(200);
    const last = await post('/members/role', { email: 'alice@acme.example', role: 'viewer' });
    expect(last.status).toBe(409);
    expect(await last.text()).toContain('last admin');
    expect((await post('/members/remove', { email: 'alice@acme.example' })).status).toBe(409);
    expect((await post('/members/remove', { email: 'bob@acme.example' })).status).toBe(200);
    expect((await post('/members/remove', { email: 'gina@globex.example' })).status).toBe(404);

    const members = await listMembers(t.deps.db, acme.id);
    expect(members.map((m) => `${m.email}:${m.role}`)).toEqual([
      'alice@acme.example:admin',
      'victor@acme.example:viewer',
    ]);
    const actions = (await listAudit(t.deps.db, { orgId: acme.id })).map((a) => `${a.action}:${a.actor}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'member.added:alice@acme.example',
        'member.role_changed:alice@acme.example',
        'member.removed:alice@acme.example',
      ]),
    );
  });

  it('refuses a viewer every change, naming the admins', async () => {
    const t = await accessApp();
    const { acme } = await twoTenants(t);
    const res = await t.as('victor@acme.example', '/members', {
      method: 'POST',
      body: form({ email: 'eve@acme.example', role: 'admin' }),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('alice@acme.example');
    expect((await listMembers(t.deps.db, acme.id)).map((m) => m.email)).not.toContain('eve@acme.example');
  });
});

describe('npm run org', () => {
  it('adds organizations and members, refuses bad input and the last admin, and lists', async () => {
    const { db } = await testDb();
    const run = (...argv: string[]) => runOrgCli(db, argv, 1_000);
    expect(await run('add', 'acme', '--name', 'Acme', '--admin', 'alice@acme.example')).toMatchObject({
      code: 0,
    });
    expect((await run('add', 'acme', '--name', 'Again')).code).toBe(1);
    expect((await run('add', 'Bad Slug', '--name', 'x')).code).toBe(2);
    expect(await run('member', 'acme', 'add', 'bob@acme.example')).toMatchObject({ code: 0 });
    expect(await run('member', 'acme', 'role', 'bob@acme.example', 'admin')).toMatchObject({ code: 0 });
    expect(await run('member', 'acme', 'remove', 'alice@acme.example')).toMatchObject({ code: 0 });
    const refused = await run('member', 'acme', 'remove', 'bob@acme.example');
    expect(refused.code).toBe(1);
    expect(refused.lines[0]).toContain('last admin');
    expect((await run('member', 'nope', 'add', 'x@y.example')).code).toBe(1);
    expect((await run('member', 'acme', 'role', 'bob@acme.example', 'owner')).code).toBe(2);
    expect(await run('set', 'acme', '--embed-origins', 'https://portal.acme.example')).toMatchObject({
      code: 0,
    });
    const list = await run('list');
    expect(list.lines.join('\n')).toContain(
      'acme  "Acme"  1 member(s), 1 admin(s)  frame origins: https://portal.acme.example',
    );
    expect(list.lines.join('\n')).toContain('admin  bob@acme.example');
    const org = await findOrgBySlug(db, 'acme');
    const actions = (await listAudit(db, { orgId: org!.id })).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['org.created', 'member.added', 'member.role_changed', 'member.removed']),
    );
  });
});
