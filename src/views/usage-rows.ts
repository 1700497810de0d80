/**
 * The usage table's rows as one HTML string. A page has up to 50 rows of about 40 elements each, and
 * building them as JSX nodes and then serialising them was the largest share of a page's CPU time;
 * string building with the same escaping writes the same markup several times faster
 * (docs/BENCHMARKS.md, usage at scale). test/usage/rows-html.test.ts holds the output equal to the
 * JSX rendering (test/usage/user-row.tsx) for random rows, hostile text included.
 *
 * Every value that is not a constant of this file goes through `esc`, in text and attributes alike.
 */
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { UsageRow } from '../../db/queries/usage';
import {
  RECOMMENDATION_LABEL,
  type Recommendation,
  type RecommendationContext,
  recommendationReason,
} from '../licences/recommend';
import { FEATURE_LABEL, FEATURES, type SeatStatus, STATUS_LABEL, statusReason } from '../usage/activity';
import { formatDate, isoTime } from './format';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;

/** Text safe in element content and in double-quoted attributes (what Hono's JSX escapes, alike). */
export function esc(value: string | number): string {
  // A number's text holds no special character.
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (ch) => ESCAPES[ch] as string) : value;
}

export const SELECT_FORM_ID = 'reclaim-select';

/** Badge tone per status (shared with the JSX reference the row tests hold these strings to). */
export const TONE: Record<SeatStatus, string> = {
  active: 'ok',
  inactive: 'warn',
  never: 'bad',
  removed: 'idle',
};
export const REC_TONE: Record<Recommendation, string> = {
  reclaim: 'bad',
  attendee_only: 'warn',
  keep: 'ok',
  exempt: 'idle',
  new: 'idle',
};

export const FEATURE_SHORT: Record<(typeof FEATURES)[number], string> = {
  recording: 'Rec',
  content_share: 'Share',
  video_share: 'Video',
  pstn: 'PSTN',
  large_meeting: 'Large',
  personal: 'Room',
};

const meetings = (n: number) => `${n} meeting${n === 1 ? '' : 's'}`;

/** Each feature's details line for small counts, built once (most users' counts are small). */
const FEATURE_DETAILS: Record<(typeof FEATURES)[number], string[]> = Object.fromEntries(
  FEATURES.map((f) => [
    f,
    Array.from({ length: 64 }, (_, n) => `<dt>${FEATURE_LABEL[f]}</dt><dd>${esc(meetings(n))}</dd>`),
  ]),
) as Record<(typeof FEATURES)[number], string[]>;

function featureDetail(f: (typeof FEATURES)[number], n: number): string {
  return FEATURE_DETAILS[f][n] ?? `<dt>${FEATURE_LABEL[f]}</dt><dd>${esc(meetings(n))}</dd>`;
}

/** One row: name with details, e-mail, status, recommendation, last active, counts, features. */
export function userRowHtml(
  row: UsageRow,
  now: number,
  recommend: RecommendationContext,
  canSelect: boolean,
): string {
  const name = esc(row.name);
  let h = `<tr data-status="${esc(row.status)}" data-recommendation="${esc(row.recommendation ?? 'none')}">`;
  if (canSelect) {
    h += '<td class="col-select">';
    // Exempt users (admins, the exemption list, the connecting account) are never removed.
    if (row.recommendation && row.recommendation !== 'exempt') {
      h += `<input type="checkbox" form="${SELECT_FORM_ID}" name="userId" value="${esc(row.userId)}" aria-label="Select ${name}"/>`;
    }
    h += '</td>';
  }
  h += `<th scope="row" class="col-name">${name}`;
  if (row.isAdmin) h += ' <span class="badge idle">Admin</span>';
  h += `<details class="row-details"><summary>Details<span class="visually-hidden"> of ${name}</span></summary><dl>`;
  h += `<dt>Username</dt><dd>${esc(row.username)}</dd>`;
  h += `<dt>Joined</dt><dd>${row.joinedAt != null ? esc(formatDate(row.joinedAt)) : 'unknown'}</dd>`;
  for (const f of FEATURES) h += featureDetail(f, row.features[f]);
  h += '</dl></details></th>';
  // No label on narrow screens: an address explains itself.
  h += `<td>${row.email != null ? esc(row.email) : '<span class="muted">none</span>'}</td>`;
  h += `<td data-label="Status"><span class="badge ${TONE[row.status]}">${esc(STATUS_LABEL[row.status])}</span> `;
  h += `<span class="reason">${esc(statusReason(row.status, row, now, { from: recommend.historyFrom }))}</span></td>`;
  h += '<td data-label="Recommendation">';
  if (row.recommendation) {
    h += `<span class="badge ${REC_TONE[row.recommendation]}">${esc(RECOMMENDATION_LABEL[row.recommendation])}</span> `;
    h += `<span class="reason">${esc(recommendationReason(row.recommendation, row, recommend))}</span>`;
  } else {
    h += '<span class="muted">—</span>';
  }
  h += '</td><td data-label="Last active">';
  h +=
    row.lastActiveAt != null
      ? `<time datetime="${esc(isoTime(row.lastActiveAt))}">${esc(formatDate(row.lastActiveAt))}</time>`
      : '<span class="muted">never</span>';
  h += '</td>';
  h += `<td class="num" data-label="Hosted">${esc(row.meetingsHosted)}</td>`;
  h += `<td class="num" data-label="Attended">${esc(row.meetingsAttended)}</td>`;
  h += `<td class="num" data-label="Minutes">${esc(row.minutes)}</td>`;
  h += '<td data-label="Features" class="col-features">';
  let badges = '';
  for (const f of FEATURES) {
    const n = row.features[f];
    if (n > 0) {
      badges += `<li class="feat" title="${esc(`${FEATURE_LABEL[f]}: ${n} hosted meetings`)}"><span aria-hidden="true">${esc(`${FEATURE_SHORT[f]} ${n}`)}</span><span class="visually-hidden">${esc(`${FEATURE_LABEL[f]}: ${n}`)}</span></li>`;
    }
  }
  h += badges ? `<ul class="feature-badges">${badges}</ul>` : '<span class="muted">none</span>';
  return `${h}</td></tr>`;
}

/** The rows of a page, ready for JSX (already escaped: inserted as they are). */
export function userRowsHtml(
  rows: readonly UsageRow[],
  now: number,
  recommend: RecommendationContext,
  canSelect: boolean,
): HtmlEscapedString {
  let h = '';
  for (const r of rows) h += userRowHtml(r, now, recommend, canSelect);
  return raw(h);
}
