/**
 * Search reads matches from the build's lines kept in memory (db/queries/usage-search.ts); it must
 * answer exactly what the SQL search (`instr` over the stored lines, on the sort's index walk) answers:
 * the same rows in the same order and the same total, for any text, filter, sort and page, and never
 * lines of an older build after the data moved.
 */
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listUsage, pageSql, USAGE_SORTS, type UsageListOptions } from '../../db/queries/usage';
import { clearSearchLists, keptSearchList, searchMatches } from '../../db/queries/usage-search';
import { readSummary } from '../../db/queries/usage-summary';
import { bjUsers } from '../../db/schema';
import { RECOMMENDATIONS } from '../../src/licences/recommend';
import { FEATURES, periodStart, STATUSES } from '../../src/usage/activity';
import { testDb } from '../helpers/deps';
import { seed } from './builders';

const NOW = Date.UTC(2026, 5, 15, 12);
const PIECES = ['an', 'An', 'é', 'ÉL', 'o', 'x', ' ', '%', '_', '\\', 'ß', '1'];
const piece = fc.constantFrom(...PIECES);
const word = fc.array(piece, { minLength: 0, maxLength: 4 }).map((xs) => xs.join(''));

async function seeded(names: { first: string; last: string; user: string; active: number | null }[]) {
  const { db } = await testDb();
  const s = await seed(db, NOW);
  for (const [i, n] of names.entries()) {
    await s.user({
      userId: `u${i}`,
      username: `${n.user}${i}`,
      firstName: n.first,
      lastName: n.last,
      email: i % 3 === 0 ? null : `${n.user}${i}@Example.com`,
      lastActiveAt: n.active == null ? null : s.ago(n.active),
      isEnterpriseAdmin: i % 7 === 0,
    });
    if (i % 2 === 0) await s.meeting({ hostEmail: `${n.user}${i}@example.com`, startTime: s.ago(i % 40) });
  }
  return { db, s };
}

/** The SQL search's answer: the page on the sort's index with `instr`, and its count, in one read. */
async function sqlSearch(db: Awaited<ReturnType<typeof testDb>>['db'], o: UsageListOptions) {
  const ctx = {
    connectionId: o.connectionId,
    from: o.from,
    graceFrom: o.from,
    exempt: [],
    connectingUsername: null,
  };
  const text = (o.q ?? '').trim().replace(/[A-Z]+/g, (m) => m.toLowerCase());
  const filters = [sql`connection_id = ${o.connectionId}`, sql`instr(search, ${text}) > 0`];
  if (o.status && o.status !== 'all') filters.push(sql`status = ${o.status}`);
  if (o.recommendation) filters.push(sql`rec = ${o.recommendation}`);
  if (o.feature) filters.push(sql.raw(`(mask & ${1 << FEATURES.indexOf(o.feature)}) <> 0`));
  const { values } = await readSummary(db, ctx, {
    page: pageSql(o),
    count: sql`SELECT count(*) FROM usage_period WHERE ${sql.join(filters, sql` AND `)}`,
  });
  const rows = (JSON.parse(String(values.page ?? '[]')) as unknown[][]).map((r) => r[0]);
  return { ids: rows, total: Number(values.count) };
}

const user = fc.record({
  first: word,
  last: word,
  user: fc.constantFrom('ann', 'Bob', 'cé', 'dx'),
  active: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
});
const query = fc.record({
  q: fc.oneof(word, fc.constantFrom('an', 'example', '@example.com', 'ANN', 'b', 'é', 'x1')),
  status: fc.constantFrom('all' as const, ...STATUSES),
  recommendation: fc.option(fc.constantFrom(...RECOMMENDATIONS), { nil: undefined }),
  feature: fc.option(fc.constantFrom(...FEATURES), { nil: undefined }),
  sort: fc.constantFrom(...USAGE_SORTS),
  dir: fc.constantFrom('asc' as const, 'desc' as const),
  limit: fc.constantFrom(1, 3, 50),
  offset: fc.constantFrom(0, 1, 4, 30),
});

describe('search from the lines in memory', () => {
  it('answers what the SQL search answers, rows, order and total, for any text, filter, sort and page', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Now and then a name holding the lines' separator (then the search runs in SQL).
        fc.array(
          fc.oneof(
            { arbitrary: user, weight: 30 },
            { arbitrary: user.map((u) => ({ ...u, last: `${u.last}\x1f` })), weight: 1 },
          ),
          {
            minLength: 0,
            maxLength: 25,
          },
        ),
        fc.array(query, { minLength: 1, maxLength: 8 }),
        async (users, queries) => {
          clearSearchLists();
          const { db, s } = await seeded(users);
          const from = periodStart(NOW, 30);
          for (const q of queries) {
            const o: UsageListOptions = {
              connectionId: s.connectionId,
              from,
              q: q.q,
              status: q.status,
              sort: q.sort,
              dir: q.dir,
              limit: q.limit,
              offset: q.offset,
              ...(q.recommendation ? { recommendation: q.recommendation } : {}),
              ...(q.feature ? { feature: q.feature } : {}),
            };
            if (!o.q?.trim()) continue;
            const got = await listUsage(db, o);
            const want = await sqlSearch(db, o);
            expect(got.total).toBe(want.total);
            expect(got.rows.map((r) => r.userId)).toEqual(want.ids);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('never answers from the lines of an older build once the data moved', async () => {
    clearSearchLists();
    const { db, s } = await seeded([
      { first: 'Ann', last: 'Lee', user: 'ann', active: 1 },
      { first: 'Bob', last: 'Stone', user: 'bob', active: 2 },
    ]);
    const o: UsageListOptions = {
      connectionId: s.connectionId,
      from: periodStart(NOW, 30),
      q: 'zed',
      sort: 'name',
      dir: 'asc',
      limit: 50,
      offset: 0,
    };
    expect((await listUsage(db, o)).total).toBe(0);
    const before = keptSearchList(s.connectionId);
    expect(before?.ids).toHaveLength(2);
    // A sync renames Bob (and moves the data version in the same batch, as the builders do).
    await db.update(bjUsers).set({ firstName: 'Zed' }).where(eq(bjUsers.userId, 'u1'));
    await s.user({ userId: 'u2', username: 'zed2', firstName: 'Zedd', lastName: 'X' });
    const after = await listUsage(db, o);
    expect(after.rows.map((r) => r.userId)).toEqual(['u1', 'u2']);
    expect(keptSearchList(s.connectionId)?.stamp).not.toBe(before?.stamp);
  });

  it('keeps matches per build and connection: the same text in another organization, with other filters, or after the data moved answers afresh', async () => {
    clearSearchLists();
    const { db } = await testDb();
    const a = await seed(db, NOW, 'org-a');
    const b = await seed(db, NOW, 'org-b');
    await a.user({
      userId: 'a1',
      username: 'ann',
      firstName: 'Ann',
      lastName: 'Lee',
      lastActiveAt: a.ago(1),
    });
    await a.user({ userId: 'a2', username: 'anna', firstName: 'Anna', lastName: 'Ray', lastActiveAt: null });
    await b.user({
      userId: 'b1',
      username: 'annie',
      firstName: 'Annie',
      lastName: 'Ko',
      lastActiveAt: b.ago(2),
    });
    const from = periodStart(NOW, 30);
    const ask = (connectionId: string, extra: Partial<UsageListOptions> = {}) =>
      listUsage(db, {
        connectionId,
        from,
        q: 'ANN',
        sort: 'name',
        dir: 'asc',
        limit: 50,
        offset: 0,
        ...extra,
      });
    const ids = async (p: ReturnType<typeof ask>) => (await p).rows.map((r) => r.userId);
    expect(await ids(ask(a.connectionId))).toEqual(['a1', 'a2']);
    // Asked again (kept), with a filter, and in the other organization: each its own answer.
    expect(await ids(ask(a.connectionId))).toEqual(['a1', 'a2']);
    expect(await ids(ask(a.connectionId, { status: 'never' }))).toEqual(['a2']);
    expect(await ids(ask(b.connectionId))).toEqual(['b1']);
    expect(await ids(ask(a.connectionId, { status: 'active' }))).toEqual(['a1']);
    // The data moves: the kept matches belonged to the old build and never answer for the new one.
    await a.user({ userId: 'a3', username: 'jo', firstName: 'Jo', lastName: 'Hann', lastActiveAt: null });
    await db.update(bjUsers).set({ firstName: 'Bea', username: 'bea' }).where(eq(bjUsers.userId, 'a2'));
    await a.user({ userId: 'a4', username: 'zed', firstName: 'Zed', lastName: 'Z', lastActiveAt: null });
    expect(await ids(ask(a.connectionId))).toEqual(['a1', 'a3']);
    expect(await ids(ask(a.connectionId, { status: 'never' }))).toEqual(['a3']);
    expect(await ids(ask(b.connectionId))).toEqual(['b1']);
  });
});

describe('searchMatches', () => {
  it('never matches across two lines, and narrows kept matches by every filter', () => {
    const list = {
      stamp: 's',
      ids: ['u1', 'u2', 'u3'],
      lines: ['ab\nab@x.example\nab', 'cd\n\ncd', 'bc\nbc@x.example\nbc'],
      // status index | recommendation index << 3 | mask << 6
      codes: Int32Array.from([0, 1 | (2 << 3), 0 | (1 << 6)]),
    };
    expect(searchMatches(list, { text: 'b\x1fc' })).toEqual([]);
    expect(searchMatches(list, { text: 'bc' })).toEqual(['u3']);
    expect(searchMatches(list, { text: 'b' })).toEqual(['u1', 'u3']);
    expect(searchMatches(list, { text: 'b', status: STATUSES[0] })).toEqual(['u1', 'u3']);
    expect(searchMatches(list, { text: 'b', feature: FEATURES[0] })).toEqual(['u3']);
    expect(searchMatches(list, { text: 'x.example' })).toEqual(['u1', 'u3']);
    expect(
      searchMatches(list, { text: 'd', status: STATUSES[1], recommendation: RECOMMENDATIONS[2] }),
    ).toEqual(['u2']);
    expect(searchMatches(list, { text: 'd', recommendation: RECOMMENDATIONS[1] })).toEqual([]);
    expect(searchMatches(list, { text: 'zz' })).toEqual([]);
  });
});
