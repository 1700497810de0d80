import { describe, expect, it } from 'vitest';
import { getLicenceSettings } from '../../db/queries/licences';
import { listAudit } from '../../src/connections/audit';
import { appRoutes } from '../../src/lib/roles';
import { DEFAULT_SETTINGS, parseDay, parseExempt, validateSettings } from '../../src/licences/settings';
import { testApp } from '../helpers/deps';
import { textOf } from '../usage/builders';

const post = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body).toString(),
});

const good = {
  plan: 'active_host',
  seatPrice: '14.99',
  billing: 'monthly',
  currency: 'EUR',
  seatsPurchased: '120',
  renewalDate: '2026-06-30',
  graceDays: '45',
  renewalBuffer: '15',
  exempt: 'CEO@example.com\n@service.example.com\n\n',
  allowRemoval: 'no',
};

describe('validateSettings', () => {
  it('accepts a complete form and normalizes it', () => {
    const r = validateSettings(good, DEFAULT_SETTINGS);
    expect(r).toEqual({
      ok: true,
      settings: {
        plan: 'active_host',
        seatPriceMinor: 1499n,
        billing: 'monthly',
        currency: 'EUR',
        seatsPurchased: 120,
        renewalDate: '2026-06-30',
        graceDays: 45,
        renewalBuffer: 15,
        exempt: ['ceo@example.com', '@service.example.com'],
        allowRemoval: false,
      },
    });
  });

  it('gives every bad field its own message', () => {
    const r = validateSettings(
      {
        plan: 'unlimited',
        seatPrice: '-3',
        billing: 'weekly',
        currency: 'XYZ',
        seatsPurchased: '12.5',
        renewalDate: '2026-02-30',
        graceDays: '-1',
        renewalBuffer: '500',
        exempt: 'not an email',
        allowRemoval: 'maybe',
      },
      DEFAULT_SETTINGS,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(
      [
        'allowRemoval',
        'billing',
        'currency',
        'exempt',
        'graceDays',
        'plan',
        'renewalBuffer',
        'renewalDate',
        'seatsPurchased',
      ].sort(),
    );
    const price = validateSettings({ seatPrice: '-3' }, DEFAULT_SETTINGS);
    expect(price.ok ? '' : price.errors.seatPrice).toMatch(/negative/);
    const absurd = validateSettings(
      { seatPrice: '5000000', seatsPurchased: '99999999999' },
      DEFAULT_SETTINGS,
    );
    expect(absurd.ok ? {} : absurd.errors).toMatchObject({
      seatPrice: expect.stringMatching(/more than/),
      seatsPurchased: expect.stringMatching(/at most/),
    });
  });

  it('checks real calendar days and exemption lines', () => {
    expect(parseDay('2028-02-29')).toBe('2028-02-29');
    expect(parseDay('2027-02-29')).toBeUndefined();
    expect(parseDay('2026-13-01')).toBeUndefined();
    expect(parseDay('1999-01-01')).toBeUndefined();
    expect(parseDay('30/06/2026')).toBeUndefined();
    expect(parseExempt('a@b.co\n@c.org')).toEqual({ ok: true, entries: ['a@b.co', '@c.org'] });
    expect(parseExempt('@nodot').ok).toBe(false);
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}@example.com`).join('\n');
    const r = parseExempt(many);
    expect(r.ok ? '' : r.message).toMatch(/1,001 lines; at most 1,000/);
    expect(parseExempt(many.split('\n').slice(0, 1000).join('\n')).ok).toBe(true);
  });
});

describe('POST /licences/settings', () => {
  it('is admin-only; GET /licences and the JSON are for viewers', async () => {
    const { app } = await testApp();
    const declared = Object.fromEntries(appRoutes(app).map((r) => [`${r.method} ${r.path}`, r.declaration]));
    expect(declared['POST /licences/settings']).toBe('admin');
    expect(declared['GET /licences']).toBe('viewer');
    expect(declared['GET /licences/summary.json']).toBe('viewer');
  });

  it('saves a good form, shows it back and logs the removal opt-in', async () => {
    const { request, deps } = await testApp();
    const res = await request('/licences/settings', post({ ...good, allowRemoval: 'yes' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/licences?saved=1');
    const s = await getLicenceSettings(deps.db, 'local');
    expect(s).toMatchObject({
      plan: 'active_host',
      seatPriceMinor: 1499n,
      currency: 'EUR',
      allowRemoval: true,
    });

    const page = await request('/licences?saved=1');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Licence settings saved.');
    expect(html).toContain('value="14.99"');
    expect(html).toContain('ceo@example.com\n@service.example.com');

    await request('/licences/settings', post({ allowRemoval: 'no' }));
    const actions = (await listAudit(deps.db, { orgId: 'local' })).map((e) => e.action);
    expect(actions).toContain('licences.removal_allowed');
    expect(actions).toContain('licences.removal_revoked');
  });

  it('answers 422 with a message on each bad field and changes nothing stored', async () => {
    const { request, deps } = await testApp();
    await request('/licences/settings', post(good));
    const before = await getLicenceSettings(deps.db, 'local');
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ seatPrice: '-1' }, 'seatPrice', /negative/],
      [{ seatPrice: 'ten' }, 'seatPrice', /must be a number/],
      [{ seatPrice: '99999999' }, 'seatPrice', /more than/],
      [{ seatsPurchased: '-4' }, 'seatsPurchased', /negative/],
      [{ seatsPurchased: 'lots' }, 'seatsPurchased', /whole number/],
      [{ currency: 'DOGE' }, 'currency', /ISO 4217/],
      [{ renewalDate: '2026-02-31' }, 'renewalDate', /real day/],
      [
        { exempt: Array.from({ length: 1200 }, (_, i) => `x${i}@e.com`).join('\n') },
        'exempt',
        /at most 1,000/,
      ],
      [{ plan: 'free' }, 'plan', /Choose a plan/],
    ];
    for (const [body, fieldName, message] of cases) {
      const res = await request('/licences/settings', post({ ...good, ...body }));
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(422);
      const html = await res.text();
      expect(html).toMatch(new RegExp(`id="${fieldName}-error"[^>]*>[^<]*`));
      expect(textOf(html)).toMatch(message);
      expect(html).toContain('Nothing was saved');
      expect(await getLicenceSettings(deps.db, 'local')).toEqual(before);
    }
  });

  it('refuses a cross-site post and an oversized body without saving', async () => {
    const { request, deps } = await testApp();
    const cross = await request('/licences/settings', {
      ...post(good),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
    });
    expect(cross.status).toBe(403);
    const huge = await request('/licences/settings', post({ ...good, exempt: 'a'.repeat(400_000) }));
    expect(huge.status).toBe(413);
    expect(await getLicenceSettings(deps.db, 'local')).toEqual({ ...DEFAULT_SETTINGS });
  });
});
