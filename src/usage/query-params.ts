/**
 * The `/usage/users` query contract: zod schema, friendly messages for bad
 * values, and a URL builder the views use for sort, paging and filter links.
 */

import { USAGE_SORTS, type UsageSort } from '../../db/queries/usage';
import { z } from '../lib/zlite';
import { RECOMMENDATIONS } from '../licences/recommend';
import { FEATURES, STATUSES, THRESHOLDS } from './activity';

export const PAGE_SIZE = 50;
export const CHART_RANGES = ['30', '60', '90'] as const;

/** An empty form field (e.g. "Any feature") means "not set". */
const blank = (v: unknown) => (v === '' ? undefined : v);

/** Descending first for figures (the heaviest users lead), ascending for text. */
export function defaultDir(sort: UsageSort): 'asc' | 'desc' {
  return sort === 'name' || sort === 'email' || sort === 'status' || sort === 'recommendation'
    ? 'asc'
    : 'desc';
}

export const UsageQuery = z.object({
  q: z.preprocess(blank, z.string().trim().max(200).optional()),
  status: z.preprocess(blank, z.enum(['all', ...STATUSES]).default('all')),
  feature: z.preprocess(blank, z.enum(FEATURES).optional()),
  recommendation: z.preprocess(blank, z.enum(RECOMMENDATIONS).optional()),
  sort: z.preprocess(blank, z.enum(USAGE_SORTS).default('name')),
  dir: z.preprocess(blank, z.enum(['asc', 'desc']).optional()),
  page: z.preprocess(blank, z.coerce.number().int().min(1).max(1_000_000).default(1)),
  /** Days shown by the charts; absent: the organization's inactivity threshold, like the rest of the page. */
  range: z.preprocess(blank, z.enum(CHART_RANGES).optional()),
});
export type UsageQueryInput = z.infer<typeof UsageQuery>;

/** The query with defaults resolved, as handlers and views use it. */
export interface UsageParams {
  q: string;
  status: 'all' | (typeof STATUSES)[number];
  feature: (typeof FEATURES)[number] | undefined;
  recommendation: (typeof RECOMMENDATIONS)[number] | undefined;
  sort: UsageSort;
  dir: 'asc' | 'desc';
  page: number;
  /** Chart days chosen in the URL; undefined follows the threshold. */
  range: 30 | 60 | 90 | undefined;
}

export function resolveParams(input: UsageQueryInput): UsageParams {
  return {
    q: input.q ?? '',
    status: input.status,
    feature: input.feature,
    recommendation: input.recommendation,
    sort: input.sort,
    dir: input.dir ?? defaultDir(input.sort),
    page: input.page,
    range: input.range ? (Number(input.range) as 30 | 60 | 90) : undefined,
  };
}

const FIELD_HELP: Record<string, string> = {
  q: 'The search text must be at most 200 characters.',
  status: `Status must be one of: all, ${STATUSES.join(', ')}.`,
  feature: `Feature must be one of: ${FEATURES.join(', ')}.`,
  recommendation: `Recommendation must be one of: ${RECOMMENDATIONS.join(', ')}.`,
  sort: `Sort must be one of: ${USAGE_SORTS.join(', ')}.`,
  dir: 'Direction must be asc or desc.',
  page: 'Page must be a whole number from 1.',
  range: `Chart range must be ${CHART_RANGES.join(' or ')} days.`,
  inactiveAfterDays: `Choose ${THRESHOLDS.join(', ')} days.`,
};

/** One readable sentence per bad field, in field order; never zod's internals. */
export function describeIssues(error: { issues: readonly { path: readonly PropertyKey[] }[] }): string {
  const fields = [...new Set(error.issues.map((i) => String(i.path[0] ?? '')))];
  const lines = fields.map((f) => FIELD_HELP[f] ?? 'That request had a value Seatwise does not understand.');
  return lines.join(' ');
}

/** `/usage/users?...` keeping only non-default values, so links stay short and canonical. */
export function usageUrl(
  params: UsageParams,
  change: Partial<UsageParams> = {},
  path = '/usage/users',
): string {
  const p = { ...params, ...change };
  const search = new URLSearchParams();
  if (p.q) search.set('q', p.q);
  if (p.status !== 'all') search.set('status', p.status);
  if (p.feature) search.set('feature', p.feature);
  if (p.recommendation) search.set('recommendation', p.recommendation);
  if (p.sort !== 'name') search.set('sort', p.sort);
  if (p.dir !== defaultDir(p.sort)) search.set('dir', p.dir);
  if (p.page !== 1) search.set('page', String(p.page));
  if (p.range !== undefined) search.set('range', String(p.range));
  const s = search.toString();
  return s ? `${path}?${s}` : path;
}
