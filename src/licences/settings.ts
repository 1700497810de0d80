/**
 * Licence settings: the form contract of `POST /licences/settings`, its per-field validation, and the
 * defaults an organization starts with. Validation answers one message per bad field (the route turns
 * them into a 422 with every message next to its field) and never half-saves: either every field is
 * good and all are stored, or nothing changes.
 */
import { z } from '../lib/zlite';
import { isCurrency, parseMoney } from './money';

export const PLANS = ['named_host', 'active_host', 'concurrent', 'other'] as const;
export type Plan = (typeof PLANS)[number];
export const PLAN_LABEL: Record<Plan, string> = {
  named_host: 'Named host',
  active_host: 'Active host ("All You Can Meet")',
  concurrent: 'Concurrent',
  other: 'Other',
};

export const BILLINGS = ['monthly', 'annual'] as const;
export type Billing = (typeof BILLINGS)[number];

export const MAX_EXEMPT_LINES = 1000;
export const MAX_SEATS = 1_000_000;
export const MAX_SEAT_PRICE = 1_000_000;

/** What is stored per organization. */
export interface LicenceSettings {
  plan: Plan;
  /** Minor units of `currency`; null until the admin enters a price. */
  seatPriceMinor: bigint | null;
  billing: Billing;
  currency: string;
  seatsPurchased: number | null;
  /** YYYY-MM-DD */
  renewalDate: string | null;
  graceDays: number;
  renewalBuffer: number;
  /** Lower-cased e-mails and `@domain`s. */
  exempt: string[];
  allowRemoval: boolean;
}

export const DEFAULT_SETTINGS: LicenceSettings = {
  plan: 'named_host',
  seatPriceMinor: null,
  billing: 'annual',
  currency: 'USD',
  seatsPurchased: null,
  renewalDate: null,
  graceDays: 30,
  renewalBuffer: 10,
  exempt: [],
  allowRemoval: false,
};

const field = (max: number) => z.string().max(max).optional();

/** The raw form: strings only, each bounded (the real checks are per field below). */
export const SettingsForm = z.object({
  plan: field(40),
  seatPrice: field(40),
  billing: field(40),
  currency: field(10),
  seatsPurchased: field(40),
  renewalDate: field(40),
  graceDays: field(40),
  renewalBuffer: field(40),
  exempt: field(400_000),
  allowRemoval: field(10),
});
export type SettingsFormInput = z.infer<typeof SettingsForm>;

export type SettingsField = keyof SettingsFormInput;
export type FieldErrors = Partial<Record<SettingsField, string>>;

export type SettingsResult = { ok: true; settings: LicenceSettings } | { ok: false; errors: FieldErrors };

function wholeNumber(text: string, min: number, max: number, what: string): number | string {
  const t = text.trim().replace(/,/g, '');
  if (!/^-?\d+$/.test(t)) return `${what} must be a whole number.`;
  const n = Number(t);
  if (n < min) return min === 0 ? `${what} cannot be negative.` : `${what} must be at least ${min}.`;
  if (n > max) return `${what} must be at most ${max.toLocaleString('en-US')}.`;
  return n;
}

/** A real calendar day, YYYY-MM-DD, between 2000 and 2100. */
export function parseDay(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 2000 || y > 2100) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return text.trim();
}

const EMAIL = /^[^\s@]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;
const DOMAIN = /^@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** Parses the exemption list: one e-mail or `@domain` a line; blank lines ignored; duplicates folded. */
export function parseExempt(text: string): { ok: true; entries: string[] } | { ok: false; message: string } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== '');
  if (lines.length > MAX_EXEMPT_LINES) {
    return {
      ok: false,
      message: `The exemption list has ${lines.length.toLocaleString('en-US')} lines; at most ${MAX_EXEMPT_LINES.toLocaleString('en-US')} are allowed.`,
    };
  }
  for (const [i, line] of lines.entries()) {
    if (line.length > 254 || !(EMAIL.test(line) || DOMAIN.test(line))) {
      return {
        ok: false,
        message: `Line ${i + 1} ("${line.slice(0, 60)}") is neither an e-mail address nor an @domain.`,
      };
    }
  }
  return { ok: true, entries: [...new Set(lines)] };
}

/**
 * Checks every field of a submitted form against the stored settings (absent fields keep their value;
 * `seatPrice`, `seatsPurchased` and `renewalDate` may be blank to clear them).
 */
export function validateSettings(form: SettingsFormInput, current: LicenceSettings): SettingsResult {
  const errors: FieldErrors = {};
  const next: LicenceSettings = { ...current, exempt: [...current.exempt] };

  if (form.plan !== undefined) {
    if ((PLANS as readonly string[]).includes(form.plan)) next.plan = form.plan as Plan;
    else errors.plan = `Choose a plan: ${PLANS.join(', ')}.`;
  }
  if (form.billing !== undefined) {
    if ((BILLINGS as readonly string[]).includes(form.billing)) next.billing = form.billing as Billing;
    else errors.billing = 'Billing must be monthly or annual.';
  }
  if (form.currency !== undefined) {
    const code = form.currency.trim().toUpperCase() || 'USD';
    if (isCurrency(code)) next.currency = code;
    else
      errors.currency = `“${form.currency.slice(0, 10)}” is not an ISO 4217 currency code (for example USD, EUR, JPY).`;
  }
  if (form.seatPrice !== undefined && !errors.currency) {
    if (form.seatPrice.trim() === '') next.seatPriceMinor = null;
    else {
      const parsed = parseMoney(form.seatPrice, next.currency, MAX_SEAT_PRICE);
      if (parsed.ok) next.seatPriceMinor = parsed.minor;
      else errors.seatPrice = parsed.message;
    }
  } else if (form.seatPrice === undefined && form.currency !== undefined && current.seatPriceMinor != null) {
    // A price is kept in minor units of its currency; changing the currency needs the price again.
    if (next.currency !== current.currency) errors.seatPrice = 'Enter the price again in the new currency.';
  }
  if (form.seatsPurchased !== undefined) {
    if (form.seatsPurchased.trim() === '') next.seatsPurchased = null;
    else {
      const n = wholeNumber(form.seatsPurchased, 0, MAX_SEATS, 'Seats purchased');
      if (typeof n === 'number') next.seatsPurchased = n;
      else errors.seatsPurchased = n;
    }
  }
  if (form.renewalDate !== undefined) {
    if (form.renewalDate.trim() === '') next.renewalDate = null;
    else {
      const day = parseDay(form.renewalDate);
      if (day) next.renewalDate = day;
      else
        errors.renewalDate = 'The renewal date must be a real day written YYYY-MM-DD (years 2000 to 2100).';
    }
  }
  if (form.graceDays !== undefined) {
    const n = wholeNumber(form.graceDays || '30', 0, 365, 'Grace days');
    if (typeof n === 'number') next.graceDays = n;
    else errors.graceDays = n;
  }
  if (form.renewalBuffer !== undefined) {
    const n = wholeNumber((form.renewalBuffer || '10').replace(/%$/, ''), 0, 100, 'The renewal buffer');
    if (typeof n === 'number') next.renewalBuffer = n;
    else errors.renewalBuffer = `${n} (a percentage from 0 to 100)`;
  }
  if (form.exempt !== undefined) {
    const parsed = parseExempt(form.exempt);
    if (parsed.ok) next.exempt = parsed.entries;
    else errors.exempt = parsed.message;
  }
  if (form.allowRemoval !== undefined) {
    if (form.allowRemoval === 'yes' || form.allowRemoval === 'no')
      next.allowRemoval = form.allowRemoval === 'yes';
    else errors.allowRemoval = 'Removing users must be yes or no.';
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, settings: next };
}

/** Whether `email` is on the exemption list (exact address or its @domain). */
export function isExempt(email: string | null, exempt: readonly string[]): string | undefined {
  if (!email) return undefined;
  const e = email.toLowerCase();
  const at = e.lastIndexOf('@');
  const domain = at >= 0 ? e.slice(at) : '';
  return exempt.find((x) => x === e || (x.startsWith('@') && x === domain));
}
