/** The opt-in on the consent step of connecting: off unless ticked; ticked, it is saved and logged. */
import { describe, expect, it } from 'vitest';
import { getLicenceSettings } from '../../db/queries/licences';
import { auditLog } from '../../db/schema';
import { inputValue, simApp } from '../connections/support';

async function consent(s: Awaited<ReturnType<typeof simApp>>) {
  const verify = await s.post('/connections/bluejeans', {
    appKey: s.sim.credentials.appKey,
    appSecret: s.sim.credentials.appSecret,
  });
  expect(verify.status).toBe(200);
  const html = await verify.text();
  expect(html).toContain('name="allowRemoval" value="yes"');
  expect(html).toContain('Allow Seatwise to remove users you approve');
  expect(html).toContain('Seatwise only reads');
  return inputValue(html, 'pending')!;
}

describe('opt-in on the consent step', () => {
  it('stays off when not ticked', async () => {
    const s = await simApp();
    const pending = await consent(s);
    expect((await s.post('/connections/bluejeans/confirm', { pending })).status).toBe(303);
    expect((await getLicenceSettings(s.deps.db, 'local')).allowRemoval).toBe(false);
    const actions = (await s.deps.db.select().from(auditLog).all()).map((a) => a.action);
    expect(actions).not.toContain('licences.removal_allowed');
  });

  it('ticked, allows removal and writes it to the activity log; Licences can revoke it', async () => {
    const s = await simApp();
    const pending = await consent(s);
    const res = await s.post('/connections/bluejeans/confirm', { pending, allowRemoval: 'yes' });
    expect(res.status).toBe(303);
    expect((await getLicenceSettings(s.deps.db, 'local')).allowRemoval).toBe(true);
    const entry = (await s.deps.db.select().from(auditLog).all()).find(
      (a) => a.action === 'licences.removal_allowed',
    );
    expect(entry).toMatchObject({ actor: 'local-admin' });
    expect(JSON.parse(entry!.detail)).toEqual({ where: 'consent' });
    const licences = await (await s.get('/licences')).text();
    expect(licences).toMatch(/<input[^>]*value="yes"[^>]*checked/);
    expect((await s.post('/licences/settings', { allowRemoval: 'no' })).status).toBe(303);
    expect((await getLicenceSettings(s.deps.db, 'local')).allowRemoval).toBe(false);
  });

  it('a bad value is refused and nothing is saved', async () => {
    const s = await simApp();
    const pending = await consent(s);
    const res = await s.post('/connections/bluejeans/confirm', { pending, allowRemoval: 'sure' });
    expect(res.status).toBe(400);
    expect((await getLicenceSettings(s.deps.db, 'local')).allowRemoval).toBe(false);
  });
});
