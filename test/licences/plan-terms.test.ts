import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activeHostBasis,
  fillMonths,
  monthKey,
  priorMonths,
  pstnShares,
  ratioToDecimal,
  recommendedSeats,
} from '../../src/licences/plan-terms';

describe('the months a renewal looks at', () => {
  it('are the 12 calendar months ending with this one, cut to synced data', () => {
    const now = Date.UTC(2026, 0, 15);
    expect(priorMonths(now, Date.UTC(2024, 0, 1))).toEqual([
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
    ]);
    expect(priorMonths(now, Date.UTC(2025, 10, 20))).toEqual(['2025-11', '2025-12', '2026-01']);
    expect(priorMonths(now, null)).toEqual([]);
    expect(monthKey(Date.UTC(2026, 1, 28, 23, 59))).toBe('2026-02');
  });
});

describe('active-host basis', () => {
  it('averages the three largest months (exact to two decimals) and bills the rounded-up count', () => {
    const months = fillMonths(
      ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05'],
      new Map([
        ['2025-01', 10],
        ['2025-02', 31],
        ['2025-03', 12],
        ['2025-04', 30],
        ['2025-05', 30],
      ]),
    );
    const b = activeHostBasis(months);
    expect(b?.top.map((m) => m.hosts)).toEqual([31, 30, 30]);
    expect(b?.basis).toBe('30.33');
    expect(b?.billedHosts).toBe(31);
    expect(b?.partial).toBe(false);
  });

  it('rounds half up and says when fewer than three months exist', () => {
    expect(activeHostBasis([{ month: '2026-01', hosts: 7 }])).toMatchObject({
      basis: '7.00',
      billedHosts: 7,
      partial: true,
    });
    expect(
      activeHostBasis([
        { month: 'a', hosts: 1 },
        { month: 'b', hosts: 2 },
      ])?.basis,
    ).toBe('1.50');
    expect(ratioToDecimal(2, 3)).toBe('0.67');
    expect(ratioToDecimal(1, 8, 2)).toBe('0.13');
    expect(activeHostBasis([])).toBeNull();
  });

  it('is never below any month but the third largest, nor above the largest (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 12 }), (hosts) => {
        const b = activeHostBasis(hosts.map((h, i) => ({ month: String(i), hosts: h })));
        const sorted = [...hosts].sort((x, y) => y - x);
        const top = sorted.slice(0, 3);
        const exact = top.reduce((s, h) => s + h, 0) / top.length;
        expect(Math.abs(Number(b?.basis) - exact)).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(b?.billedHosts).toBe(Math.ceil(top.reduce((s, h) => s + h, 0) / top.length));
        expect(b?.billedHosts).toBeLessThanOrEqual(sorted[0] ?? 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('PSTN share', () => {
  it('flags months strictly over 35%, by exact comparison', () => {
    const shares = pstnShares([
      { month: '2025-11', pstnMinutes: 35, totalMinutes: 100 },
      { month: '2025-12', pstnMinutes: 351, totalMinutes: 1000 },
      { month: '2026-01', pstnMinutes: 0, totalMinutes: 0 },
      { month: '2026-02', pstnMinutes: 7, totalMinutes: 20 },
      { month: '2026-03', pstnMinutes: 35_000_001, totalMinutes: 100_000_000 },
    ]);
    expect(shares.map((s) => s.over)).toEqual([false, true, false, false, true]);
    expect(shares.map((s) => s.share)).toEqual([0.35, 0.351, 0, 0.35, 0.35]);
    expect(shares.map((s) => s.percent)).toEqual(['35.0%', '35.1%', '0.0%', '35.0%', '35.0%']);
  });
});

describe('renewal sizing', () => {
  it('is ceil(peak x (1 + buffer))', () => {
    expect(recommendedSeats(100, 10)).toBe(110);
    expect(recommendedSeats(101, 10)).toBe(112);
    expect(recommendedSeats(0, 10)).toBe(0);
    expect(recommendedSeats(7, 0)).toBe(7);
    expect(recommendedSeats(3, 100)).toBe(6);
  });

  it('matches exact rational ceiling for any peak and buffer (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        (peak, buffer) => {
          const n = BigInt(peak) * BigInt(100 + buffer);
          const expected = Number((n + 99n) / 100n);
          expect(recommendedSeats(peak, buffer)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
