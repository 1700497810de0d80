import { describe, expect, it } from 'vitest';
import { bjMeetingHistory } from '../../db/schema';
import { reclaimRecommendationCount } from '../../src/licences/summary';
import { testApp } from '../helpers/deps';
import { seed, textOf } from '../usage/builders';

const post = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body).toString(),
});

/** Now is 2026-01-15 (manual clock); months Nov, Dec, Jan have data. */
async function setup() {
  const t = await testApp();
  const now = t.deps.clock.now();
  const s = await seed(t.deps.db, now);
  for (let i = 0; i < 6; i++) await s.user({ userId: `idle${i}`, enterpriseJoinDate: s.ago(300) });
  await s.user({ userId: 'guest', enterpriseJoinDate: s.ago(300) });
  for (let i = 0; i < 4; i++) await s.user({ userId: `h${i}`, enterpriseJoinDate: s.ago(300) });
  await s.user({ userId: 'admin', enterpriseJoinDate: s.ago(300), isEnterpriseAdmin: true });
  // Distinct hosts: November 4, December 2, January 3.
  const nov = Date.UTC(2025, 10, 10);
  const dec = Date.UTC(2025, 11, 10);
  for (let i = 0; i < 4; i++) await s.meeting({ hostEmail: `h${i}@example.com`, startTime: nov + i });
  await s.meeting({ hostEmail: 'h0@example.com', startTime: dec });
  await s.meeting({ hostEmail: 'H1@example.com', startTime: dec + 1 });
  await s.meeting({ hostEmail: 'h1@example.com', startTime: dec + 2 });
  for (let i = 0; i < 3; i++) await s.meeting({ hostEmail: `h${i}@example.com`, startTime: s.ago(3) + i });
  await s.participant({ userId: 'guest', minutes: 30, joinTime: s.ago(2) });
  // PSTN: November 40 of 100 minutes (over), December 35 of 100 (not over).
  const history = (guid: string, startTime: number, total: number, did: number) =>
    t.deps.db.insert(bjMeetingHistory).values({
      connectionId: s.connectionId,
      meetingGuid: guid,
      startTime,
      totalParticipantMinutes: total,
      didMinutes: did,
      syncedAt: now,
    });
  await history('n1', nov, 60, 30);
  await history('n2', nov + 5, 40, 10);
  await history('d1', dec, 100, 35);
  return { ...t, s };
}

describe('GET /licences/summary.json', () => {
  it('has the documented shape and exact figures', async () => {
    const { request } = await setup();
    await request(
      '/licences/settings',
      post({
        seatPrice: '14.99',
        billing: 'monthly',
        currency: 'USD',
        seatsPurchased: '20',
        renewalBuffer: '10',
      }),
    );
    const res = await request('/licences/summary.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = await res.json();
    expect(body).toEqual({
      currency: 'USD',
      seatPrice: '14.99',
      billing: 'monthly',
      plan: 'named_host',
      licensedUsers: 12,
      seatsPurchased: 20,
      // Six never active, and h3 who last hosted in November.
      reclaimable: 7,
      attendeeOnly: 1,
      // 7 seats x 14.99 x 12 months, exactly.
      potentialSavingsAnnual: '1259.16',
      realizedSavingsAnnual: '0.00',
      activeHosts: [
        { month: '2025-11', hosts: 4 },
        { month: '2025-12', hosts: 2 },
        { month: '2026-01', hosts: 3 },
      ],
      activeHostBasis: '3.00',
      recommendedSeats: 5,
      pstnShare: [
        { month: '2025-11', share: 0.4, overSurchargeThreshold: true },
        { month: '2025-12', share: 0.35, overSurchargeThreshold: false },
        { month: '2026-01', share: 0, overSurchargeThreshold: false },
      ],
      period: { from: '2025-11-10T00:00:00.000Z', to: '2026-01-15T12:00:00.000Z' },
      dataAsOf: null,
    });
  });

  it('answers nulls for money before a price is set, and zeros before any sync', async () => {
    const { request } = await testApp();
    const body = (await (await request('/licences/summary.json')).json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      currency: 'USD',
      seatPrice: null,
      licensedUsers: 0,
      reclaimable: 0,
      potentialSavingsAnnual: null,
      activeHosts: [],
      activeHostBasis: null,
      recommendedSeats: 0,
      period: null,
    });
  });
});

describe('GET /licences', () => {
  it('shows seats, savings, plan terms and links each figure to the filtered users table', async () => {
    const { request, deps } = await setup();
    await request('/licences/settings', post({ seatPrice: '100', billing: 'annual', seatsPurchased: '20' }));
    const res = await request('/licences');
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = textOf(html);
    expect(html).toContain('href="/usage/users?recommendation=reclaim">7<');
    expect(html).toContain('href="/usage/users?recommendation=attendee_only">1<');
    expect(html).toContain('href="/usage/users">12<');
    expect(text).toContain('$700.00 Potential savings / year 7 × $100.00');
    expect(text).toContain(
      'Active-host basis: 3.00 (the average of the three largest months: 2025-11 4, 2026-01 3, 2025-12 2)',
    );
    expect(text).toContain('Projected active-host renewal: 3 hosts × $100.00 = $300.00 a year.');
    expect(text).toContain(
      'peak 4 active hosts + 10% buffer = 5 seats recommended, against 20 purchased (15 more than needed)',
    );
    expect(html).toContain('<svg');
    expect(html).toMatch(/<tr data-over="yes"><th scope="row">2025-11<\/th>/);
    expect(text).toContain('Covers 10 Nov 2025 to 15 Jan 2026');
    expect(await reclaimRecommendationCount(deps.db, 'local', deps.clock.now())).toBe(7);
  });
});
