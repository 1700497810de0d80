/** Small, pure formatting helpers shared by views (times are epoch ms, shown in UTC: no locale guessing). */
import type { ConnectMethod } from '../connectors/types';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `15 Jan 2026, 12:00 UTC` */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

/** formatDate's text per UTC day (a page formats the same few hundred days over and over). */
const dayTexts = new Map<number, string>();

/** `15 Jan 2026` */
export function formatDate(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  const known = dayTexts.get(day);
  if (known !== undefined) return known;
  const d = new Date(ms);
  const text = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  // Only days that format as a date are kept (NaN and out-of-range times stay uncached).
  if (Number.isSafeInteger(day) && !Number.isNaN(d.getTime())) {
    if (dayTexts.size >= 20_000) dayTexts.clear();
    dayTexts.set(day, text);
  }
  return text;
}

/** `3 hours ago`, `in 5 minutes`, `just now`. */
export function relativeTime(ms: number, now: number): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    if (abs >= size || name === 'minute') {
      const n = Math.max(1, Math.round(abs / size));
      const text = `${n} ${name}${n === 1 ? '' : 's'}`;
      return diff < 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return 'just now';
}

/** ISO for `<time datetime>`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export const METHOD_LABEL: Record<ConnectMethod, string> = {
  client_credentials: 'App Key and App Secret',
  oauth: 'Sign in with BlueJeans',
  password: 'BlueJeans login',
  access_token: 'Personal access token',
};
