import fc from 'fast-check';
import { expect, it } from 'vitest';
import { listUsage } from '../../db/queries/usage';
import { bjUsers } from '../../db/schema';
import { manualClock } from '../../src/lib/clock';
import { classifyStatus, DAY_MS, periodStart } from '../../src/usage/activity';
import { testDb } from '../helpers/deps';
import { seed } from './builders';

/** The SQL CASE must say what classifyStatus says, for any last activity and threshold. */
it('SQL status agrees with classifyStatus around every threshold', async () => {
  const { db } = await testDb();
  const now = manualClock().now();
  const s = await seed(db, now);
  const user = fc.record({
    // Exact thresholds and one millisecond either side, plus anything in between.
    lastActive: fc.option(
      fc.oneof(
        fc.integer({ min: 0, max: 100 * DAY_MS }),
        fc.constantFrom(30, 60, 90).chain((d) => fc.constantFrom(d * DAY_MS - 1, d * DAY_MS, d * DAY_MS + 1)),
      ),
      { nil: null },
    ),
    removed: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(30, 60, 90),
      fc.array(user, { minLength: 1, maxLength: 15 }),
      async (days, users) => {
        await db.delete(bjUsers);
        for (const [i, u] of users.entries()) {
          await s.user({
            userId: `u${i}`,
            lastActiveAt: u.lastActive == null ? null : now - u.lastActive,
            removedAt: u.removed ? now - DAY_MS : null,
          });
        }
        const from = periodStart(now, days);
        const { rows } = await listUsage(db, {
          connectionId: s.connectionId,
          from,
          sort: 'email',
          dir: 'asc',
          limit: 50,
          offset: 0,
        });
        for (const row of rows) {
          expect(row.status).toBe(classifyStatus(row, now, days));
        }
      },
    ),
    { numRuns: 40 },
  );
});
