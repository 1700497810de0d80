/**
 * BlueJeans plan terms as pure arithmetic over synced months (bluejeans.com plan-specific terms):
 * - active-host plans renew on the average of the three largest months of distinct hosts in the prior
 *   12 months;
 * - a PSTN surcharge applies to a month whose PSTN minutes exceed 35% of its minutes;
 * - renewal sizing: recommended seats = ceil(peak monthly active hosts x (1 + buffer)).
 * Everything is integer or exact-ratio arithmetic; nothing here reads a clock or a database.
 */

const DAY_MS = 86_400_000;

/** `YYYY-MM` of an epoch-ms moment (UTC). */
export function monthKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

function monthIndex(key: string): number {
  const [y, m] = key.split('-').map(Number);
  return (y ?? 0) * 12 + ((m ?? 1) - 1);
}

function keyOfIndex(i: number): string {
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/**
 * The months a renewal looks at: the 12 calendar months ending with the month of `now`, cut to those
 * with synced data (from the month of `firstDataAt`). Empty when nothing was synced.
 */
export function priorMonths(now: number, firstDataAt: number | null): string[] {
  if (firstDataAt == null || firstDataAt > now) return [];
  const last = monthIndex(monthKey(now));
  const first = Math.max(last - 11, monthIndex(monthKey(firstDataAt)));
  const out: string[] = [];
  for (let i = first; i <= last; i++) out.push(keyOfIndex(i));
  return out;
}

/** The first instant of a `YYYY-MM` month (UTC). */
export function monthStart(key: string): number {
  const i = monthIndex(key);
  return Date.UTC(Math.floor(i / 12), i % 12, 1);
}

/** Whole days from `from` to `to` (at least 1 when any time passed, never negative). */
export function daysBetween(from: number, to: number): number {
  return Math.max(0, Math.ceil((to - from) / DAY_MS));
}

/** `n / d` rounded half-up to `places` decimals, as an exact decimal string. */
export function ratioToDecimal(n: number, d: number, places = 2): string {
  if (d <= 0) throw new RangeError('denominator must be positive');
  const scale = 10 ** places;
  const num = 2 * n * scale + d;
  const den = 2 * d;
  const scaled = (num - (num % den)) / den;
  const whole = Math.floor(scaled / scale);
  const frac = scaled % scale;
  return places > 0 ? `${whole}.${String(frac).padStart(places, '0')}` : String(whole);
}

export interface MonthHosts {
  month: string;
  hosts: number;
}

export interface ActiveHostBasis {
  /** The months averaged (at most three, largest first). */
  top: MonthHosts[];
  /** The average, exact to two decimals ("10.67"). */
  basis: string;
  /** Hosts billed: the average rounded up (a fraction of a host cannot be bought). */
  billedHosts: number;
  /** Fewer than three months were synced, so the average covers what there is. */
  partial: boolean;
}

/** Average of the three largest months of distinct hosts; null without any month. */
export function activeHostBasis(months: readonly MonthHosts[]): ActiveHostBasis | null {
  if (months.length === 0) return null;
  const top = [...months].sort((a, b) => b.hosts - a.hosts || a.month.localeCompare(b.month)).slice(0, 3);
  const total = top.reduce((s, m) => s + m.hosts, 0);
  return {
    top,
    basis: ratioToDecimal(total, top.length, 2),
    billedHosts: Math.ceil(total / top.length),
    partial: top.length < 3,
  };
}

/** The surcharge threshold: more than 35% of a month's minutes on PSTN. */
export const PSTN_SURCHARGE_PERCENT = 35;

export interface MonthMinutes {
  month: string;
  pstnMinutes: number;
  totalMinutes: number;
}

export interface MonthPstnShare {
  month: string;
  /** PSTN minutes / all minutes, to four decimals (0 for a month without minutes). */
  share: number;
  /** The same as a percentage string with one decimal ("35.1%"). */
  percent: string;
  /** Over the 35% threshold (exact integer comparison, not the rounded share). */
  over: boolean;
  pstnMinutes: number;
  totalMinutes: number;
}

export function pstnShares(months: readonly MonthMinutes[]): MonthPstnShare[] {
  return months.map((m) => {
    const total = Math.max(0, m.totalMinutes);
    const pstn = Math.max(0, Math.min(m.pstnMinutes, total));
    return {
      month: m.month,
      share: total === 0 ? 0 : Number(ratioToDecimal(pstn, total, 4)),
      percent: `${total === 0 ? '0.0' : ratioToDecimal(pstn * 100, total, 1)}%`,
      over: total > 0 && pstn * 100 > PSTN_SURCHARGE_PERCENT * total,
      pstnMinutes: pstn,
      totalMinutes: total,
    };
  });
}

/** ceil(peak x (1 + bufferPercent / 100)) in integers. */
export function recommendedSeats(peakMonthlyHosts: number, bufferPercent: number): number {
  const peak = Math.max(0, Math.trunc(peakMonthlyHosts));
  const buffer = Math.max(0, Math.trunc(bufferPercent));
  const scaled = peak * (100 + buffer) + 99;
  return (scaled - (scaled % 100)) / 100;
}

/** Every month of `keys` with its hosts (0 where nothing was hosted). */
export function fillMonths(keys: readonly string[], hosts: ReadonlyMap<string, number>): MonthHosts[] {
  return keys.map((month) => ({ month, hosts: hosts.get(month) ?? 0 }));
}
