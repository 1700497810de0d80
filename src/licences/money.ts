/**
 * Money as exact decimals: an amount is a bigint count of the currency's minor units (cents, yen, fils),
 * parsed from the text the admin typed and formatted back from a decimal string, so no float ever
 * touches a price, a product or a sum.
 */

/** ISO 4217 codes the runtime knows (Intl carries the current list, minor units included). */
const KNOWN = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN.has(code);
}

/** Digits after the decimal point in `currency` (USD 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

export type ParsedMoney = { ok: true; minor: bigint } | { ok: false; message: string };

/**
 * Parses a price as typed ("12", "12.5", "1,299.00") into minor units of `currency`. Refuses signs,
 * exponents, more decimals than the currency has, and anything above `max` major units.
 */
export function parseMoney(text: string, currency: string, max = 1_000_000): ParsedMoney {
  const digits = minorDigits(currency);
  const t = text.trim().replace(/,/g, '');
  if (t === '') return { ok: false, message: 'Enter a price per seat, for example 12.50.' };
  if (t.startsWith('-')) return { ok: false, message: 'The price cannot be negative.' };
  const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(t);
  if (!m) return { ok: false, message: 'The price must be a number, for example 12.50.' };
  const whole = m[1] ?? '0';
  const frac = m[2] ?? '';
  if (frac.length > digits) {
    return {
      ok: false,
      message:
        digits === 0
          ? `${currency} has no minor unit: enter a whole amount.`
          : `${currency} has ${digits} decimal place${digits === 1 ? '' : 's'}: enter at most ${digits}.`,
    };
  }
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt((frac || '0').padEnd(digits, '0') || '0');
  if (minor > BigInt(max) * 10n ** BigInt(digits)) {
    return {
      ok: false,
      message: `That is more than ${max.toLocaleString('en-US')} ${currency} per seat; check the amount.`,
    };
  }
  return { ok: true, minor };
}

/** Minor units as a plain decimal string ("1234.50"; "-3.00"), exact. */
export function toDecimalString(minor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const scale = 10n ** BigInt(digits);
  const whole = (abs / scale).toString();
  const frac = digits > 0 ? `.${(abs % scale).toString().padStart(digits, '0')}` : '';
  return `${negative ? '-' : ''}${whole}${frac}`;
}

/** For display: "$1,234.50", "¥1,200", "BHD 3.125" (Intl formats the exact decimal string). */
export function formatMoney(minor: bigint, currency: string): string {
  const decimal = toDecimalString(minor, currency) as `${number}`;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(decimal);
}

/** The yearly price of one seat: monthly prices times twelve. */
export function annualSeatPrice(seatPriceMinor: bigint, billing: 'monthly' | 'annual'): bigint {
  return billing === 'monthly' ? seatPriceMinor * 12n : seatPriceMinor;
}

/** `count` seats at `minor` each. */
export function times(minor: bigint, count: number): bigint {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('seat count must be a whole number');
  return minor * BigInt(count);
}

/** Exact sum of amounts. */
export function sum(amounts: readonly bigint[]): bigint {
  return amounts.reduce((a, b) => a + b, 0n);
}
