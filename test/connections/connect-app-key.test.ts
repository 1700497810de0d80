import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, bjUsers, connectionTokens } from '../../db/schema';
import { listAudit } from '../../src/connections/audit';
import { openCredentials } from '../../src/connections/credentials';
import { PENDING_TTL_MS } from '../../src/connections/pending';
import { connectWithAppKey, inputValue, moveTo, patchConnection, simApp } from './support';

describe('GET /connections/bluejeans/connect', () => {
  it('shows the App Key form with the setup guide beside it, as a page', async () => {
    const s = await simApp();
    const res = await s.get('/connections/bluejeans/connect');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('id="connect-flow"');
    expect(html).toContain('name="appKey"');
    expect(html).toMatch(/<input[^>]*name="appSecret"[^>]*type="password"/);
    expect(html).toContain('name="method" value="client_credentials"');
    expect(html).toContain('OAuth Access');
    expect(html).toContain('Add New App');
    expect(html).toContain('live chat');
  });

  it('answers htmx with the fragment only, and switches method by query', async () => {
    const s = await simApp();
    const res = await s.get('/connections/bluejeans/connect?method=password', { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<!DOCTYPE html>');
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
    expect(html).not.toContain('name="appKey"');
    expect(html).toContain('aria-current="page"');
  });

  it('ignores an unknown method and shows the default', async () => {
    const s = await simApp();
    const html = await (await s.get('/connections/bluejeans/connect?method=magic')).text();
    expect(html).toContain('name="method" value="client_credentials"');
  });
});

describe('POST /connections/bluejeans with App Key and App Secret', () => {
  it('verifies, asks for consent, and saves nothing before Confirm', async () => {
    const s = await simApp();
    const res = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Allow Seatwise to read this BlueJeans account?');
    expect(html).toContain(s.sim.enterpriseId);
    expect(html).toContain('Every 15 minutes');
    expect(html).toContain('Read-only');
    expect(html).toContain('deployment&#39;s own database');
    expect(html).not.toContain(s.sim.credentials.appSecret);
    const row = await s.connection();
    expect(row.state).toBe('disconnected');
    expect(row.sealedCredentials).toBeNull();
  });

  it('Confirm saves sealed credentials, marks the first sync due, audits, and redirects to the dashboard', async () => {
    const s = await simApp();
    const before = await s.connection();
    const row = await connectWithAppKey(s);
    expect(row.id).toBe(before.id);
    expect(row.state).toBe('connected');
    expect(row.authMethod).toBe('client_credentials');
    expect(row.enterpriseId).toBe(s.sim.enterpriseId);
    expect(row.nextSyncAt).toBe(s.clock.now());
    expect(row.connectedAt).toBe(s.clock.now());
    expect(row.sealedCredentials).not.toContain(s.sim.credentials.appSecret);
    const creds = await openCredentials(
      s.deps.db,
      s.deps.sealer,
      {
        orgId: 'local',
        connectionId: row.id,
      },
      row.sealedCredentials!,
    );
    expect(creds).toEqual({
      method: 'client_credentials',
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
    });
    expect(JSON.parse(row.publicConfig)).toMatchObject({
      method: 'client_credentials',
      appKey: s.sim.credentials.appKey,
    });
    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    expect(audit[0]).toMatchObject({
      action: 'connection.connected',
      actor: 'local-admin',
      connectionId: row.id,
    });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      from: 'disconnected',
      to: 'connected',
      method: 'client_credentials',
    });

    const dash = await s.get('/?notice=connected');
    const html = await dash.text();
    expect(html).toContain('BlueJeans is connected');
    expect(html).toMatch(/>\s*Reconnect\s*</);
    expect(html).not.toMatch(/>\s*Connect\s*</);
    expect(html).toMatch(/>\s*Disconnect\s*</);
  });

  it('Confirm through htmx answers with the result and the card in place', async () => {
    const s = await simApp();
    const verify = await s.post(
      '/connections/bluejeans',
      { appKey: s.sim.credentials.appKey, appSecret: s.sim.credentials.appSecret },
      { htmx: true },
    );
    expect(verify.status).toBe(200);
    const consent = await verify.text();
    expect(consent).not.toContain('<!DOCTYPE html>');
    const res = await s.post(
      '/connections/bluejeans/confirm',
      { pending: inputValue(consent, 'pending')! },
      { htmx: true },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('BlueJeans is connected');
    expect(html).toContain('id="bluejeans-card"');
    expect(html).toContain('data-state="connected"');
  });

  it('refuses a wrong App Secret with the connector message next to the field, keeping the App Key only', async () => {
    const s = await simApp();
    const res = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: 'wrong-secret-123',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="appSecret-error"');
    expect(html).toContain('did not accept this App Key and App Secret');
    expect(html).toMatch(/<input[^>]*name="appKey"[^>]*value="demo-app-key"/);
    expect(html).not.toContain('wrong-secret-123');
    expect(html).not.toMatch(/<input[^>]*type="password"[^>]*value=/);
    const row = await s.connection();
    expect(row.state).toBe('disconnected');
    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    expect(audit[0]).toMatchObject({ action: 'connection.verify_failed' });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ code: 'invalid_credentials', field: 'appSecret' });
  });

  it('explains a disabled OAuth Access tab (ask BlueJeans support, live chat)', async () => {
    const s = await simApp({ sim: { oauthAccessDisabled: true } });
    const res = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="appKey-error"');
    expect(html).toContain('OAuth Access is not enabled');
    expect(html).toContain('live chat');
  });

  it('answers 503 with the form when BlueJeans cannot be reached, saving nothing', async () => {
    const s = await simApp();
    s.breakNetwork(async () => {
      throw new TypeError('fetch failed');
    });
    const res = await s.post('/connections/bluejeans', {
      appKey: 'demo-app-key',
      appSecret: 'demo-app-secret',
    });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('could not be reached');
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('refuses empty, padded and malformed input with field messages and never calls BlueJeans', async () => {
    const s = await simApp();
    const before = s.sim.control.stats();
    const empty = await s.post('/connections/bluejeans', { appKey: '', appSecret: '' });
    expect(empty.status).toBe(422);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain('Enter the App Key');
    expect(emptyHtml).toContain('Enter the App Secret');
    const padded = await s.post('/connections/bluejeans', {
      appKey: ' demo-app-key',
      appSecret: 'demo-app-secret\n',
    });
    expect(padded.status).toBe(422);
    const paddedHtml = await padded.text();
    expect(paddedHtml).toContain('The App Key starts or ends with a space');
    expect(paddedHtml).toContain('The App Secret starts or ends with a space');
    const long = await s.post('/connections/bluejeans', { appKey: 'k'.repeat(129), appSecret: 'x' });
    expect(long.status).toBe(422);
    expect(await long.text()).toContain('at most 128 characters');
    const inner = await s.post('/connections/bluejeans', { appKey: 'demo app key', appSecret: 'x' });
    expect(await inner.text()).toContain('has characters no App Key contains');
    expect(s.sim.control.stats()).toEqual(before);
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('htmx gets the form fragment back with 422, ready to swap into #connect-flow', async () => {
    const s = await simApp();
    const res = await s.post(
      '/connections/bluejeans',
      { appKey: 'demo-app-key', appSecret: '' },
      { htmx: true },
    );
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).not.toContain('<!DOCTYPE html>');
    expect(html.startsWith('<div class="two-col">')).toBe(true);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('hx-target="#connect-flow"');
  });

  it('refuses a form body over 32 KB with 413', async () => {
    const s = await simApp();
    const res = await s.post('/connections/bluejeans', { appKey: 'a', appSecret: 'b'.repeat(40_000) });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('far larger');
  });

  it('refuses a cross-site POST', async () => {
    const s = await simApp();
    const res = await s.request('/connections/bluejeans', {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'appKey=a&appSecret=b',
    });
    expect(res.status).toBe(403);
  });
});

describe('the consent step', () => {
  async function consent(s: Awaited<ReturnType<typeof simApp>>) {
    const res = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
    });
    return inputValue(await res.text(), 'pending')!;
  }

  it('a second Confirm of the same consent is refused and changes nothing', async () => {
    const s = await simApp();
    const pending = await consent(s);
    expect((await s.post('/connections/bluejeans/confirm', { pending })).status).toBe(303);
    const first = await s.connection();
    const again = await s.post('/connections/bluejeans/confirm', { pending });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already saved');
    const after = await s.connection();
    expect(after.version).toBe(first.version);
    expect(after.sealedCredentials).toBe(first.sealedCredentials);
    const connects = (await listAudit(s.deps.db, { orgId: 'local' })).filter(
      (a) => a.action === 'connection.connected',
    );
    expect(connects).toHaveLength(1);
  });

  it('an expired consent (over 10 minutes) is refused with 410', async () => {
    const s = await simApp();
    const pending = await consent(s);
    s.clock.advance(PENDING_TTL_MS + 1);
    const res = await s.post('/connections/bluejeans/confirm', { pending });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('expired');
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('a tampered or foreign consent value is refused with 400', async () => {
    const s = await simApp();
    const pending = await consent(s);
    const parts = pending.split('.');
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('A') ? 'B' : 'A'}A`;
    const tampered = await s.post('/connections/bluejeans/confirm', { pending: parts.join('.') });
    expect(tampered.status).toBe(400);
    const garbage = await s.post('/connections/bluejeans/confirm', { pending: 'not a jwe' });
    expect(garbage.status).toBe(400);
    const other = await simApp();
    const foreign = await other.post('/connections/bluejeans/confirm', { pending });
    expect(foreign.status).toBe(400);
    expect((await s.connection()).state).toBe('disconnected');
  });

  it('Cancel discards: nothing is stored, and the cancel is logged', async () => {
    const s = await simApp();
    await consent(s);
    const res = await s.post('/connections/bluejeans/cancel', {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?notice=cancelled');
    expect((await s.connection()).state).toBe('disconnected');
    const audit = await listAudit(s.deps.db, { orgId: 'local' });
    expect(audit[0]?.action).toBe('connection.connect_cancelled');
    expect(await (await s.get('/?notice=cancelled')).text()).toContain('Nothing was saved.');
  });
});

describe('Reconnect', () => {
  it('after the app is revoked at BlueJeans: same row, data untouched, back to connected', async () => {
    const s = await simApp();
    const connected = await connectWithAppKey(s);
    await s.deps.db.insert(bjUsers).values({
      connectionId: connected.id,
      userId: 'u1',
      username: 'someone',
      firstSeenAt: 1,
      lastListedAt: 1,
    });
    await s.deps.db
      .insert(connectionTokens)
      .values({ connectionId: connected.id, sealedToken: 'stale', expiresAt: s.clock.now() + 1000 });
    s.sim.control.revokeApp(s.sim.credentials.appKey);
    await moveTo(s, 'needs_reauth', { lastError: 'BlueJeans rejected the access Seatwise holds.' });

    const card = await (await s.get('/connections/bluejeans/card', { htmx: true })).text();
    expect(card).toContain('data-state="needs_reauth"');
    expect(card).toMatch(/class="primary">\s*Reconnect/);

    const form = await s.get('/connections/bluejeans/connect');
    const formHtml = await form.text();
    expect(formHtml).toContain('Reconnect BlueJeans');
    expect(formHtml).toMatch(/<input[^>]*name="appKey"[^>]*value="demo-app-key"/);

    const refused = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
      formId: inputValue(formHtml, 'formId')!,
    });
    expect(refused.status).toBe(422);
    expect((await s.connection()).state).toBe('needs_reauth');

    s.sim.control.restoreApp(s.sim.credentials.appKey);
    const again = await s.get('/connections/bluejeans/connect');
    const res = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
      formId: inputValue(await again.text(), 'formId')!,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?notice=reconnected');
    const row = await s.connection();
    expect(row.id).toBe(connected.id);
    expect(row.state).toBe('connected');
    expect(row.lastError).toBeNull();
    expect(row.connectedAt).toBe(connected.connectedAt);
    expect(await s.deps.db.select().from(bjUsers).where(eq(bjUsers.connectionId, row.id))).toHaveLength(1);
    expect(await s.deps.db.select().from(connectionTokens)).toHaveLength(0);
    const actions = (await listAudit(s.deps.db, { orgId: 'local' })).map((a) => a.action);
    expect(actions.slice(0, 3)).toEqual([
      'connection.reconnected',
      'connection.verify_failed',
      'connection.state_changed',
    ]);
  });

  it('a reconnect form sent twice saves once', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    const formId = inputValue(await (await s.get('/connections/bluejeans/connect')).text(), 'formId')!;
    const fields = { appKey: s.sim.credentials.appKey, appSecret: s.sim.credentials.appSecret, formId };
    expect((await s.post('/connections/bluejeans', fields)).status).toBe(303);
    const saved = await s.connection();
    const second = await s.post('/connections/bluejeans', fields);
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('already saved');
    expect((await s.connection()).version).toBe(saved.version);
  });

  it('refuses credentials of another enterprise while this connection holds its data', async () => {
    const s = await simApp();
    await connectWithAppKey(s);
    await patchConnection(s, { enterpriseId: '999999' });
    const res = await s.post('/connections/bluejeans', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('holds data of enterprise 999999');
    const rows = await s.deps.db.select().from(auditLog).where(eq(auditLog.action, 'connection.reconnected'));
    expect(rows).toHaveLength(0);
  });
});
