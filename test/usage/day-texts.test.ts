/**
 * formatDate and dayKey keep their text per UTC day (src/views/format.ts, src/usage/charts.ts): every
 * moment must still give what formatting it gives, whatever was asked before it, at day edges too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/usage/activity';
import { dayKey } from '../../src/usage/charts';
import { formatDate } from '../../src/views/format';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const fresh = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};

describe('day texts kept per UTC day', () => {
  it('give what formatting gives, for any moment in any order', () => {
    const day = fc.integer({ min: -40_000, max: 80_000 });
    const moment = fc.oneof(
      fc.tuple(day, fc.integer({ min: 0, max: DAY_MS - 1 })).map(([d, t]) => d * DAY_MS + t),
      day.map((d) => d * DAY_MS),
      day.map((d) => d * DAY_MS - 1),
    );
    fc.assert(
      fc.property(fc.array(moment, { minLength: 1, maxLength: 50 }), (ms) => {
        for (const m of ms) {
          expect(formatDate(m)).toBe(fresh(m));
          expect(dayKey(m)).toBe(new Date(m).toISOString().slice(0, 10));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('still refuse what Date cannot format', () => {
    expect(() => dayKey(Number.NaN)).toThrow(RangeError);
    expect(() => dayKey(9e15)).toThrow(RangeError);
    expect(formatDate(Number.NaN)).toBe(fresh(Number.NaN));
  });
});
