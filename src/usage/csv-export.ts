/**
 * The users CSV as a stream: each pull reads one page from the database, so memory
 * stays flat however many users the enterprise has, and a slow client slows the reads.
 */
import type { UsageRow } from '../../db/queries/usage';
import { type RecommendationContext, recommendationReason } from '../licences/recommend';
import { FEATURE_LABEL, FEATURES, STATUS_LABEL, statusReason } from './activity';
import { csvLine } from './csv';

/**
 * Each page re-runs the per-user aggregation over the period, so pages are large:
 * a few MB of rows at most, and few aggregations for 10,000+ users.
 */
export const CSV_PAGE_SIZE = 2500;

export const CSV_HEADER = [
  'Name',
  'Email',
  'Username',
  'Admin',
  'Status',
  'Reason',
  'Last active (UTC)',
  'Meetings hosted',
  'Meetings attended',
  'Participant minutes',
  ...FEATURES.map((f) => FEATURE_LABEL[f]),
  'Joined (UTC)',
  'Removed (UTC)',
  'BlueJeans user id',
  'Recommendation',
  'Recommendation reason',
];

/** Reasons without settings: no exemptions, 30 grace days, history unknown. */
function fallbackContext(now: number): RecommendationContext {
  return { now, thresholdDays: 30, graceDays: 30, exempt: [], connectingUsername: null, historyFrom: null };
}

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** One user as CSV cells, in CSV_HEADER order. */
export function csvRecord(
  row: UsageRow,
  now: number,
  rec: RecommendationContext = fallbackContext(now),
): string {
  return csvLine([
    row.name,
    row.email,
    row.username,
    row.isAdmin,
    STATUS_LABEL[row.status],
    statusReason(row.status, row, now, { from: rec.historyFrom }),
    iso(row.lastActiveAt),
    row.meetingsHosted,
    row.meetingsAttended,
    row.minutes,
    ...FEATURES.map((f) => row.features[f]),
    iso(row.joinedAt),
    iso(row.removedAt),
    row.userId,
    row.recommendation ?? '',
    recommendationReason(row.recommendation, row, rec),
  ]);
}

/**
 * Reads pages by offset until the filtered total is reached (or a short page), so the
 * last page costs no extra query; the caller binds filters and sort into `loadPage`.
 */
export function csvStream(
  loadPage: (offset: number, limit: number) => Promise<{ rows: UsageRow[]; total: number }>,
  now: number,
  pageSize = CSV_PAGE_SIZE,
  rec: RecommendationContext = fallbackContext(now),
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let offset = 0;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(csvLine(CSV_HEADER)));
      },
      async pull(controller) {
        if (done) return;
        const { rows, total } = await loadPage(offset, pageSize);
        offset += rows.length;
        if (rows.length > 0)
          controller.enqueue(encoder.encode(rows.map((r) => csvRecord(r, now, rec)).join('')));
        if (rows.length < pageSize || offset >= total) {
          done = true;
          controller.close();
        }
      },
    },
    { highWaterMark: 1 },
  );
}
