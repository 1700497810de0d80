/**
 * Time windows and the date formats BlueJeans wants. Pure functions (the property tests drive them).
 *
 * Two kinds of window:
 * - instants, half-open `[from, to)` in epoch ms (Command Center meetings filter on `startTime`);
 * - calendar days, inclusive `start..end` as `YYYY-MM-DD` in the reporting timezone (meeting history's
 *   MM/DD/YYYY dates and the daily analytics).
 * Splitting never overlaps and never leaves a gap, which is what makes a full walk exactly-once.
 */
import type { TimeRange } from '../types';

export const DAY_MS = 86_400_000;

/** A calendar day, `YYYY-MM-DD`. */
export type Day = string;

export interface DayWindow {
  start: Day;
  /** Inclusive. */
  end: Day;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar day in `YYYY-MM-DD` form. */
export function isDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

function dayToUtcMs(day: Day): number {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** `day` plus `n` days. */
export function addDays(day: Day, n: number): Day {
  return new Date(dayToUtcMs(day) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((dayToUtcMs(b) - dayToUtcMs(a)) / DAY_MS);
}

/** `MM/DD/YYYY`, the format of listHistoryByEnterprise's startDate/endDate. */
export function toMmDdYyyy(day: Day): string {
  const [y, m, d] = day.split('-');
  return `${m}/${d}/${y}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of instant `ms` in `tz`. */
function wallClock(ms: number, tz: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of `tz` from UTC at instant `ms`, in ms (e.g. -7 h for PDT). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The calendar day of instant `ms` in `tz`. */
export function dayOf(ms: number, tz: string): Day {
  const w = wallClock(ms, tz);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The instant local midnight of `day` begins in `tz`. */
export function startOfDay(day: Day, tz: string): number {
  const utcMidnight = dayToUtcMs(day);
  // Two passes settle the offset across a DST change near midnight.
  let guess = utcMidnight - zoneOffsetMs(utcMidnight, tz);
  guess = utcMidnight - zoneOffsetMs(guess, tz);
  return guess;
}

/** `YYYY-MM-DDTHH:mm:ss±hh:mm` in `tz`, whole seconds (the format Command Center filters expect). */
export function isoInZone(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  const off = Math.round(zoneOffsetMs(ms, tz) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const p = (n: number, l = 2) => String(n).padStart(l, '0');
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}:${p(w.second)}${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
}

/** Splits `[from, to)` into consecutive windows of at most `windowMs`. Empty for an empty range. */
export function splitRange(range: TimeRange, windowMs: number): TimeRange[] {
  if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0');
  const out: TimeRange[] = [];
  for (let from = range.from; from < range.to; from = nextWindowEnd(range, from, windowMs)) {
    out.push({ from, to: nextWindowEnd(range, from, windowMs) });
  }
  return out;
}

/** End of the window starting at `from` (what a cursor steps to). */
export function nextWindowEnd(range: TimeRange, from: number, windowMs: number): number {
  return Math.min(from + windowMs, range.to);
}

/** Splits the inclusive days `from..to` into windows of at most `maxDays` days. Empty if `to < from`. */
export function splitDays(from: Day, to: Day, maxDays: number): DayWindow[] {
  if (!(maxDays >= 1)) throw new RangeError('maxDays must be >= 1');
  const out: DayWindow[] = [];
  for (let start = from; daysBetween(start, to) >= 0; start = addDays(dayWindowEnd(start, to, maxDays), 1)) {
    out.push({ start, end: dayWindowEnd(start, to, maxDays) });
  }
  return out;
}

/** Last day of the window starting at `start`. */
export function dayWindowEnd(start: Day, to: Day, maxDays: number): Day {
  const end = addDays(start, Math.floor(maxDays) - 1);
  return daysBetween(end, to) < 0 ? to : end;
}

/** The days an instant range touches in `tz` (inclusive), or null when the range is empty. */
export function rangeToDays(range: TimeRange, tz: string): DayWindow | null {
  if (range.to <= range.from) return null;
  return { start: dayOf(range.from, tz), end: dayOf(range.to - 1, tz) };
}
