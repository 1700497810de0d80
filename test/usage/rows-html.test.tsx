import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../db/queries/usage';
import { RECOMMENDATIONS, type RecommendationContext } from '../../src/licences/recommend';
import { FEATURES, STATUSES } from '../../src/usage/activity';
import { esc, userRowHtml } from '../../src/views/usage-rows';
import { testApp } from '../helpers/deps';
import { seed } from './builders';
import { UserRow } from './user-row';

const NOW = Date.UTC(2026, 11, 2, 12);
const DAY = 86_400_000;
/** Text a BlueJeans admin controls: markup, quotes, entities, astral characters, empty. */
const hostile = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('<script>alert(1)</script>', '" onmouseover="x', "O'Brien & <Co>", '&amp;', '😀 née', ''),
);
const moment = fc.option(fc.integer({ min: NOW - 400 * DAY, max: NOW }), { nil: null });
const count = fc.integer({ min: 0, max: 5000 });

const rowArb = fc.record({
  userId: hostile,
  username: hostile,
  name: hostile,
  email: fc.option(hostile, { nil: null }),
  isAdmin: fc.boolean(),
  joinedAt: moment,
  removedAt: moment,
  lastActiveAt: moment,
  status: fc.constantFrom(...STATUSES),
  meetingsHosted: count,
  meetingsAttended: count,
  minutes: count,
  features: fc.record(
    Object.fromEntries(FEATURES.map((f) => [f, fc.integer({ min: 0, max: 3 })])) as Record<
      (typeof FEATURES)[number],
      fc.Arbitrary<number>
    >,
  ),
  recommendation: fc.option(fc.constantFrom(...RECOMMENDATIONS), { nil: null }),
  reclaimedAt: moment,
  reclaimedBy: fc.option(hostile, { nil: null }),
});

const ctxArb: fc.Arbitrary<RecommendationContext> = fc.record({
  now: fc.constant(NOW),
  thresholdDays: fc.constantFrom(30, 60, 90),
  graceDays: fc.integer({ min: 0, max: 90 }),
  exempt: fc.array(fc.oneof(hostile, fc.constant('@example.com')), { maxLength: 3 }),
  connectingUsername: fc.option(hostile, { nil: null }),
  historyFrom: moment,
});

describe('the usage rows as strings', () => {
  it('equal the JSX rendering of the row, byte for byte, for any row', async () => {
    await fc.assert(
      fc.asyncProperty(rowArb, ctxArb, fc.boolean(), async (r, ctx, canSelect) => {
        const row: UsageRow = r;
        const jsx = String(await (<UserRow row={row} now={NOW} recommend={ctx} canSelect={canSelect} />));
        expect(userRowHtml(row, NOW, ctx, canSelect)).toBe(jsx);
      }),
      { numRuns: 400 },
    );
  });

  it('escape every character that could open markup or leave an attribute', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(esc('plain text 42')).toBe('plain text 42');
  });

  it('never let user-controlled fields into the page as markup', async () => {
    const { deps, request } = await testApp();
    const s = await seed(deps.db, deps.clock.now());
    await s.user({
      userId: 'evil',
      username: '<img src=x onerror=alert(1)>',
      firstName: '<script>alert("name")</script>',
      lastName: '" onmouseover="alert(2)',
      email: "x'><b>@example.com",
      lastActiveAt: s.ago(1),
    });
    await s.meeting({ hostEmail: "x'><b>@example.com", startTime: s.ago(1), recording: true });
    const shapes: Record<string, string>[] = [{}, { 'HX-Request': 'true', 'HX-Request-Type': 'partial' }];
    for (const headers of shapes) {
      const body = await (await request('/usage/users', { headers })).text();
      expect(body).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
      expect(body).not.toContain('<script>alert');
      expect(body).not.toContain('<img src=x');
      expect(body).not.toContain('" onmouseover=');
      expect(body).not.toContain("x'><b>");
    }
  });
});
