/**
 * The counts every usage request reads with the summary state are parsed once per stored text and
 * shared (db/queries/usage-summary.ts): they must always be what that text says, never another
 * connection's or an older build's, and no reader may change them for the others.
 */
import { describe, expect, it } from 'vitest';
import { countUsers, ensureSummary, type SummaryContext } from '../../db/queries/usage-summary';
import { periodStart } from '../../src/usage/activity';
import { testDb } from '../helpers/deps';
import { seed } from './builders';

const NOW = Date.UTC(2026, 5, 15, 12);

describe('summary counts, parsed once per text', () => {
  it('answer per connection and per build, and are frozen', async () => {
    const { db } = await testDb();
    const a = await seed(db, NOW, 'org-a');
    const b = await seed(db, NOW, 'org-b');
    await a.user({ userId: 'a1', username: 'ann', lastActiveAt: a.ago(1) });
    await a.user({ userId: 'a2', username: 'bo', lastActiveAt: null });
    await b.user({ userId: 'b1', username: 'cy', lastActiveAt: null });
    const from = periodStart(NOW, 30);
    const ctx = (connectionId: string): SummaryContext => ({
      connectionId,
      from,
      graceFrom: from,
      exempt: [],
      connectingUsername: null,
    });
    const first = await ensureSummary(db, ctx(a.connectionId));
    expect(countUsers(first.counts, {})).toBe(2);
    expect(countUsers(first.counts, { status: 'active' })).toBe(1);
    expect(Object.isFrozen(first.counts)).toBe(true);
    expect(first.counts.every((g) => Object.isFrozen(g))).toBe(true);
    // Read again: the same parsed counts; the other organization's are its own.
    expect((await ensureSummary(db, ctx(a.connectionId))).counts).toBe(first.counts);
    const other = await ensureSummary(db, ctx(b.connectionId));
    expect(countUsers(other.counts, {})).toBe(1);
    expect(countUsers(other.counts, { status: 'never' })).toBe(1);
    // The data moves: the new build's counts, not the ones kept for the old text.
    await a.user({ userId: 'a3', username: 'di', lastActiveAt: a.ago(2) });
    const next = await ensureSummary(db, ctx(a.connectionId));
    expect(countUsers(next.counts, {})).toBe(3);
    expect(countUsers(next.counts, { status: 'active' })).toBe(2);
    expect(countUsers(first.counts, {})).toBe(2);
  });
});
