/**
 * Varied `/usage/users` requests for the usage benchmarks: distinct combinations of sort, direction,
 * status, feature and recommendation filters, search text and page, full pages and htmx fragments
 * mixed. Enough of them that a whole load run never asks for one URL twice (the load phase hands each
 * request the next one), so no cache of a URL can carry the figures.
 */
import { USAGE_SORTS } from '../db/queries/usage';
import { RECOMMENDATIONS } from '../src/licences/recommend';
import { FEATURES, STATUSES } from '../src/usage/activity';

export interface BenchRequest {
  path: string;
  headers?: Record<string, string>;
}

const FRAGMENT = { 'HX-Request': 'true', 'HX-Request-Type': 'partial' };

/** Short search texts that match some users and not others (names, domains, digits). */
const SEARCHES = [
  'a',
  'an',
  'ma',
  'er',
  'li',
  'son',
  'jo',
  'el',
  'ri',
  'th',
  '1',
  '12',
  '7',
  'co',
  'x',
  'zz',
];

/** `count` distinct requests (deterministic: a small LCG over the choices, duplicates skipped). */
export function variedPaths(count = 2000): BenchRequest[] {
  let seed = 12345;
  const pick = <T>(xs: readonly T[]): T => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return xs[(seed >>> 8) % xs.length] as T;
  };
  const seen = new Set<string>();
  const out: BenchRequest[] = [];
  for (let n = 0; out.length < count && n < count * 50; n++) {
    const q = new URLSearchParams();
    q.set('sort', pick(USAGE_SORTS));
    q.set('dir', pick(['asc', 'desc']));
    const status = pick([...Array(6).fill(''), ...STATUSES]);
    if (status) q.set('status', status);
    const feature = pick([...Array(18).fill(''), ...FEATURES]);
    if (feature) q.set('feature', feature);
    const rec = pick([...Array(25).fill(''), ...RECOMMENDATIONS]);
    if (rec) q.set('recommendation', rec);
    if (pick([0, 0, 0, 0, 1]) === 1) q.set('q', `${pick(SEARCHES)}${pick(['', '', String(n % 10)])}`);
    q.set('page', String(pick([1, 1, 1, 1, 2, 2, 3, 4, 5, 8, 12, 20])));
    const fragment = pick([false, true]);
    const key = `${fragment}${q}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: `/usage/users?${q}`, ...(fragment ? { headers: FRAGMENT } : {}) });
  }
  return out;
}
