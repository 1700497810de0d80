import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  DAY_MS,
  dayOf,
  daysBetween,
  isoInZone,
  rangeToDays,
  splitDays,
  splitRange,
  startOfDay,
  toMmDdYyyy,
} from '../../src/connectors/bluejeans/windows';

const t2020 = Date.UTC(2020, 0, 1);
const t2030 = Date.UTC(2030, 0, 1);
const instant = fc.integer({ min: t2020, max: t2030 });
const dayArb = fc.integer({ min: 0, max: 3650 }).map((n) => addDays('2020-01-01', n));

describe('splitRange (instants, half-open)', () => {
  it('covers [from, to) exactly: contiguous, no overlap, each window at most the size', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 400 * DAY_MS }),
        fc.integer({ min: 6 * 3_600_000, max: 40 * DAY_MS }),
        (from, len, size) => {
          const to = from + len;
          const ws = splitRange({ from, to }, size);
          if (len === 0) {
            expect(ws).toEqual([]);
            return;
          }
          expect(ws[0]?.from).toBe(from);
          expect(ws.at(-1)?.to).toBe(to);
          ws.forEach((w, i) => {
            expect(w.to).toBeGreaterThan(w.from);
            expect(w.to - w.from).toBeLessThanOrEqual(size);
            if (i > 0) expect(w.from).toBe(ws[i - 1]?.to);
          });
          expect(ws).toHaveLength(Math.ceil(len / size));
        },
      ),
    );
  });

  it('puts every instant in exactly one window', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 90 * DAY_MS }),
        fc.integer({ min: 3_600_000, max: 10 * DAY_MS }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (from, len, size, f) => {
          const t = from + Math.floor(f * len);
          const hits = splitRange({ from, to: from + len }, size).filter((w) => t >= w.from && t < w.to);
          expect(hits).toHaveLength(1);
        },
      ),
    );
  });
});

describe('splitDays (calendar days, inclusive)', () => {
  it('covers from..to exactly with windows of at most maxDays', () => {
    fc.assert(
      fc.property(
        dayArb,
        fc.integer({ min: -3, max: 400 }),
        fc.integer({ min: 1, max: 45 }),
        (from, span, maxDays) => {
          const to = addDays(from, span);
          const ws = splitDays(from, to, maxDays);
          if (span < 0) {
            expect(ws).toEqual([]);
            return;
          }
          expect(ws[0]?.start).toBe(from);
          expect(ws.at(-1)?.end).toBe(to);
          let total = 0;
          ws.forEach((w, i) => {
            const len = daysBetween(w.start, w.end) + 1;
            expect(len).toBeGreaterThanOrEqual(1);
            expect(len).toBeLessThanOrEqual(maxDays);
            total += len;
            if (i > 0) expect(w.start).toBe(addDays(ws[i - 1]?.end as string, 1));
          });
          expect(total).toBe(span + 1);
        },
      ),
    );
  });
});

describe('day arithmetic and formats', () => {
  it('addDays and daysBetween are inverse, across month, year and leap days', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -1000, max: 1000 }), (d, n) => {
        expect(daysBetween(d, addDays(d, n))).toBe(n);
      }),
    );
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
  });

  it('formats MM/DD/YYYY for meeting history', () => {
    expect(toMmDdYyyy('2026-01-05')).toBe('01/05/2026');
  });

  it('formats instants with the zone offset and finds local midnights', () => {
    const t = Date.UTC(2018, 5, 5, 7, 0, 0);
    expect(isoInZone(t, 'UTC')).toBe('2018-06-05T07:00:00+00:00');
    expect(isoInZone(t, 'America/Los_Angeles')).toBe('2018-06-05T00:00:00-07:00');
    expect(startOfDay('2018-06-05', 'America/Los_Angeles')).toBe(t);
    expect(dayOf(t - 1, 'America/Los_Angeles')).toBe('2018-06-04');
    expect(isoInZone(Date.UTC(2026, 0, 15, 3, 30), 'Asia/Kolkata')).toBe('2026-01-15T09:00:00+05:30');
  });

  it('startOfDay is the first instant of that day in any zone', () => {
    const zones = ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    fc.assert(
      fc.property(dayArb, fc.constantFrom(...zones), (d, tz) => {
        const s = startOfDay(d, tz);
        expect(dayOf(s, tz)).toBe(d);
        expect(dayOf(s - 1000, tz)).toBe(addDays(d, -1));
      }),
    );
  });

  it('rangeToDays gives the days an instant range touches', () => {
    const from = Date.UTC(2026, 0, 1);
    expect(rangeToDays({ from, to: from + DAY_MS }, 'UTC')).toEqual({
      start: '2026-01-01',
      end: '2026-01-01',
    });
    expect(rangeToDays({ from, to: from }, 'UTC')).toBeNull();
  });
});
