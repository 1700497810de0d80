import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listUsage } from '../../db/queries/usage';
import {
  graceFrom,
  type RecommendationContext,
  type RecommendationFacts,
  recommend,
  recommendationReason,
} from '../../src/licences/recommend';
import { DAY_MS, periodStart } from '../../src/usage/activity';
import { testApp, testDb } from '../helpers/deps';
import { rowEmails, seed, textOf } from '../usage/builders';

const NOW = Date.UTC(2026, 0, 15, 12);
const ago = (d: number) => NOW - d * DAY_MS;
const ctx: RecommendationContext = {
  now: NOW,
  thresholdDays: 30,
  graceDays: 30,
  exempt: ['ceo@example.com', '@svc.example.com'],
  connectingUsername: 'connector',
  historyFrom: ago(90),
};
const facts = (f: Partial<RecommendationFacts>): RecommendationFacts => ({
  username: 'u',
  email: 'u@example.com',
  isAdmin: false,
  joinedAt: ago(400),
  removedAt: null,
  lastActiveAt: null,
  meetingsHosted: 0,
  meetingsAttended: 0,
  ...f,
});
const both = (f: Partial<RecommendationFacts>, c = ctx) => {
  const x = facts(f);
  const r = recommend(x, c);
  return [r, recommendationReason(r, x, c)];
};

describe('recommendations with concrete reasons (hand-computed)', () => {
  it('reclaim: never, or nothing in the threshold, bounded by the synced history', () => {
    expect(both({})).toEqual(['reclaim', 'no meeting in the 90 days synced']);
    expect(both({ joinedAt: ago(60) })).toEqual(['reclaim', 'no meeting since joining on 16 Nov 2025']);
    expect(both({ joinedAt: null })).toEqual(['reclaim', 'no meeting in the 90 days synced']);
    expect(both({ lastActiveAt: ago(45) })).toEqual([
      'reclaim',
      'no meeting hosted or attended in the last 30 days (last on 1 Dec 2025)',
    ]);
    // A 90-day threshold over 12 days of history says what it knows.
    expect(both({ lastActiveAt: null }, { ...ctx, thresholdDays: 90, historyFrom: ago(12) })).toEqual([
      'reclaim',
      'no meeting in the 12 days synced',
    ]);
  });

  it('attendee_only, keep, new, exempt', () => {
    expect(both({ meetingsAttended: 14, lastActiveAt: ago(2) })).toEqual([
      'attendee_only',
      'attended 14 meetings, hosted none in the last 30 days',
    ]);
    expect(both({ meetingsAttended: 1 }, { ...ctx, thresholdDays: 60, historyFrom: ago(20) })).toEqual([
      'attendee_only',
      'attended 1 meeting, hosted none in the 20 days synced',
    ]);
    expect(both({ meetingsHosted: 5, meetingsAttended: 3 })).toEqual([
      'keep',
      'hosted 5 meetings in the last 30 days',
    ]);
    expect(both({ joinedAt: ago(10) })).toEqual([
      'new',
      'joined on 5 Jan 2026, within the 30-day grace period for new users',
    ]);
    expect(both({ email: 'CEO@example.com' })).toEqual(['exempt', 'on the exemption list']);
    expect(both({ email: 'bot@svc.example.com' })).toEqual([
      'exempt',
      'exempt: every @svc.example.com address',
    ]);
    expect(both({ isAdmin: true })).toEqual([
      'exempt',
      'enterprise administrator: Seatwise never removes admins',
    ]);
    expect(both({ username: 'connector' })).toEqual(['exempt', 'the account Seatwise connects with']);
    // Exempt and admin win over new and reclaim.
    expect(recommend(facts({ isAdmin: true, joinedAt: ago(1) }), ctx)).toBe('exempt');
  });

  it('removed users hold no seat; a Seatwise removal names the approver', () => {
    expect(both({ removedAt: ago(3) })).toEqual([null, 'removed from BlueJeans on 12 Jan 2026']);
    expect(both({ removedAt: ago(3), reclaimedAt: ago(3), reclaimedBy: 'ada@example.com' })).toEqual([
      null,
      'removed by Seatwise on 12 Jan 2026, approved by ada@example.com',
    ]);
  });
});

describe('the SQL agrees with recommend() (property)', () => {
  it('for random users, meetings and settings', async () => {
    const { db } = await testDb();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            admin: fc.boolean(),
            joinedDaysAgo: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
            hosted: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 3 }),
            attended: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 3 }),
            removed: fc.boolean(),
            domain: fc.constantFrom('example.com', 'svc.example.com', 'Other.org'),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom(30, 60, 90),
        async (users, graceDays, thresholdDays) => {
          const orgId = `o${run++}`;
          const s = await seed(db, NOW, orgId);
          for (const [i, u] of users.entries()) {
            const email = `p${i}@${u.domain}`;
            await s.user({
              userId: `p${i}`,
              email,
              isEnterpriseAdmin: u.admin,
              enterpriseJoinDate: u.joinedDaysAgo == null ? null : ago(u.joinedDaysAgo),
              firstSeenAt: ago(300),
              removedAt: u.removed ? ago(1) : null,
            });
            for (const d of u.hosted)
              await s.meeting({ hostEmail: email.toLowerCase(), startTime: ago(d) + 1 });
            for (const d of u.attended)
              await s.participant({ userId: `p${i}`, minutes: 5, joinTime: ago(d) + 1 });
          }
          const c: RecommendationContext = {
            ...ctx,
            graceDays,
            thresholdDays,
            exempt: ['p0@example.com', '@svc.example.com'],
            connectingUsername: 'p1',
          };
          const from = periodStart(NOW, thresholdDays);
          const { rows } = await listUsage(db, {
            connectionId: s.connectionId,
            from,
            sort: 'name',
            dir: 'asc',
            limit: 100,
            offset: 0,
            rec: { graceFrom: graceFrom(c), exempt: c.exempt, connectingUsername: c.connectingUsername },
          });
          expect(rows).toHaveLength(users.length);
          for (const r of rows) expect(r.recommendation, r.userId).toBe(recommend(r, c));
        },
      ),
      { numRuns: 40, seed: 9 },
    );
  }, 60_000);
});

describe('GET /usage/users?recommendation=', () => {
  it('filters by recommendation and shows the reason', async () => {
    const t = await testApp();
    const s = await seed(t.deps.db, t.deps.clock.now());
    await s.user({ userId: 'idle', enterpriseJoinDate: s.ago(200) });
    await s.user({ userId: 'guest', enterpriseJoinDate: s.ago(200) });
    await s.user({ userId: 'host', enterpriseJoinDate: s.ago(200) });
    await s.user({ userId: 'boss', enterpriseJoinDate: s.ago(200), isEnterpriseAdmin: true });
    await s.meeting({ hostEmail: 'host@example.com', startTime: s.ago(50) });
    await s.meeting({ hostEmail: 'host@example.com', startTime: s.ago(2) });
    await s.participant({ userId: 'guest', minutes: 20, joinTime: s.ago(3) });

    const reclaim = await (await t.request('/usage/users?recommendation=reclaim&sort=email')).text();
    expect(rowEmails(reclaim)).toEqual(['idle@example.com']);
    expect(textOf(reclaim)).toContain('Reclaim no meeting in the 50 days synced');
    expect(rowEmails(await (await t.request('/usage/users?recommendation=attendee_only')).text())).toEqual([
      'guest@example.com',
    ]);
    expect(rowEmails(await (await t.request('/usage/users?recommendation=exempt')).text())).toEqual([
      'boss@example.com',
    ]);
    const bad = await t.request('/usage/users?recommendation=fire');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Recommendation must be one of');
  });
});
