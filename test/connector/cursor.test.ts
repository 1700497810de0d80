import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CursorError, cursorCodecs } from '../../src/connectors/bluejeans/cursor';
import { addDays } from '../../src/connectors/bluejeans/windows';
import type { CursorCodec } from '../../src/connectors/types';

const dayArb = fc.integer({ min: 0, max: 3650 }).map((n) => addDays('2020-01-01', n));
const epochArb = fc.integer({ min: 0, max: 4_000_000_000_000 });

const usersArb = fc.record({ page: fc.integer({ min: 1, max: 1_000_000 }) });
const meetingsArb = fc
  .tuple(
    epochArb,
    fc.integer({ min: 1, max: 1e11 }),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    fc.nat(1e6),
  )
  .map(([from, len, f, page]) => ({
    from,
    to: from + len,
    windowStart: from + Math.floor(f * len),
    page,
  }));
const daysRange = fc
  .tuple(dayArb, fc.nat(400), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([start, span, f]) => ({
    start,
    end: addDays(start, span),
    windowStart: addDays(start, Math.floor(f * span)),
  }));
const historyArb = fc.tuple(daysRange, fc.integer({ min: 1, max: 1e6 })).map(([r, page]) => ({ ...r, page }));

describe('cursor encoding', () => {
  it('round-trips every valid cursor of every stream, deterministically', () => {
    const roundTrips = <C>(codec: CursorCodec<C>, arb: fc.Arbitrary<C>) =>
      fc.assert(
        fc.property(arb, (c) => {
          const text = codec.encode(c);
          expect(codec.decode(text)).toEqual(c);
          expect(codec.encode(codec.decode(text))).toBe(text);
        }),
      );
    roundTrips(cursorCodecs.users, usersArb);
    roundTrips(cursorCodecs.meetings, meetingsArb);
    roundTrips(cursorCodecs.meetingHistory, historyArb);
    roundTrips(cursorCodecs.activeUsers, daysRange);
    roundTrips(cursorCodecs.meetingUsage, daysRange);
    roundTrips(cursorCodecs.topUsers, daysRange);
  });

  it('refuses any other text with CursorError, never another error or a wrong cursor', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          const c = cursorCodecs.meetings.decode(text);
          // If it decodes, it must be a valid cursor that re-encodes.
          expect(cursorCodecs.meetings.decode(cursorCodecs.meetings.encode(c))).toEqual(c);
        } catch (e) {
          expect(e).toBeInstanceOf(CursorError);
        }
      }),
    );
  });

  it("refuses another stream's cursor, a future version and out-of-range windows", () => {
    const users = cursorCodecs.users.encode({ page: 3 });
    expect(() => cursorCodecs.meetingHistory.decode(users)).toThrow(CursorError);
    expect(() => cursorCodecs.users.decode(users.replace('"v":1', '"v":2'))).toThrow(CursorError);
    expect(() => cursorCodecs.users.decode('{"s":"users","v":1,"c":{"page":0}}')).toThrow(CursorError);
    expect(() => cursorCodecs.meetings.encode({ from: 10, to: 20, windowStart: 20, page: 0 })).toThrow(
      CursorError,
    );
    expect(() =>
      cursorCodecs.activeUsers.decode(
        JSON.stringify({
          s: 'active_users',
          v: 1,
          c: { start: '2026-01-02', end: '2026-01-09', windowStart: '2026-01-01' },
        }),
      ),
    ).toThrow(CursorError);
    expect(() =>
      cursorCodecs.activeUsers.decode(
        JSON.stringify({
          s: 'active_users',
          v: 1,
          c: { start: '2026-02-30', end: '2026-03-09', windowStart: '2026-03-01' },
        }),
      ),
    ).toThrow(CursorError);
  });
});
