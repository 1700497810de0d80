import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  annualSeatPrice,
  formatMoney,
  isCurrency,
  minorDigits,
  parseMoney,
  sum,
  times,
  toDecimalString,
} from '../../src/licences/money';

const minor = (text: string, currency = 'USD') => {
  const r = parseMoney(text, currency);
  if (!r.ok) throw new Error(r.message);
  return r.minor;
};

describe('money', () => {
  it('knows ISO 4217 codes and their minor units', () => {
    expect(isCurrency('USD')).toBe(true);
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('ABC')).toBe(false);
    expect(isCurrency('US')).toBe(false);
    expect([minorDigits('USD'), minorDigits('JPY'), minorDigits('BHD')]).toEqual([2, 0, 3]);
  });

  it('parses what admins type into exact minor units', () => {
    expect(minor('12')).toBe(1200n);
    expect(minor('12.5')).toBe(1250n);
    expect(minor(' 1,299.99 ')).toBe(129999n);
    expect(minor('1200', 'JPY')).toBe(1200n);
    expect(minor('3.125', 'BHD')).toBe(3125n);
    expect(minor('0')).toBe(0n);
  });

  it('refuses negative, non-numeric, over-precise and absurd prices with a message', () => {
    const refused = (text: string, currency = 'USD') => {
      const r = parseMoney(text, currency);
      expect(r.ok, text).toBe(false);
      return r.ok ? '' : r.message;
    };
    expect(refused('-5')).toMatch(/negative/);
    expect(refused('abc')).toMatch(/number/);
    expect(refused('1e3')).toMatch(/number/);
    expect(refused('NaN')).toMatch(/number/);
    expect(refused('Infinity')).toMatch(/number/);
    expect(refused('')).toMatch(/Enter a price/);
    expect(refused('12.345')).toMatch(/2 decimal places/);
    expect(refused('12.5', 'JPY')).toMatch(/whole amount/);
    expect(refused('1000000.01')).toMatch(/more than 1,000,000/);
    expect(refused('99999999999999999999')).toMatch(/number|more than/);
  });

  it('formats exactly, whatever the size', () => {
    expect(toDecimalString(123450n, 'USD')).toBe('1234.50');
    expect(toDecimalString(5n, 'USD')).toBe('0.05');
    expect(toDecimalString(1200n, 'JPY')).toBe('1200');
    expect(formatMoney(123450n, 'USD')).toBe('$1,234.50');
    expect(formatMoney(1200n, 'JPY')).toBe('¥1,200');
    expect(formatMoney(12_345_678_901_234_567_89n, 'USD')).toBe('$12,345,678,901,234,567.89');
  });

  it('sums without float drift: 0.10 + 0.20 is 0.30, a thousand dimes are 100.00', () => {
    expect(toDecimalString(sum([minor('0.10'), minor('0.20')]), 'USD')).toBe('0.30');
    expect(toDecimalString(sum(Array.from({ length: 1000 }, () => minor('0.10'))), 'USD')).toBe('100.00');
    expect(toDecimalString(times(annualSeatPrice(minor('14.99'), 'monthly'), 37), 'USD')).toBe('6655.56');
    expect(() => times(100n, -1)).toThrow();
    expect(() => times(100n, 1.5)).toThrow();
  });

  it('round-trips and multiplies exactly for any price and count (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom('USD', 'JPY', 'BHD', 'EUR'),
        (cents, count, currency) => {
          const price = BigInt(cents);
          const text = toDecimalString(price, currency);
          const back = parseMoney(text, currency, 1_000_000_000);
          expect(back).toEqual({ ok: true, minor: price });
          // n x price equals n additions of price, digit for digit.
          const added = sum(Array.from({ length: Math.min(count, 50) }, () => price));
          expect(times(price, Math.min(count, 50))).toBe(added);
          // The decimal string of a product is the product of the decimal (checked with bigint only).
          const product = times(price, count);
          expect(BigInt(toDecimalString(product, currency).replace('.', ''))).toBe(product);
        },
      ),
      { numRuns: 300 },
    );
  });
});
