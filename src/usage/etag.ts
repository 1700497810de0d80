/**
 * Revalidation for usage responses. A usage page is a pure function of the connection's data version
 * (moved in the batch that commits synced rows or a setting), the period (threshold and UTC day), the
 * licence settings, the grace window (which users are new), the query and who asks; the ETag is a hash of exactly those, so `If-None-Match`
 * is answered with 304 before any page query runs.
 */
import { dayNumber } from '../../db/queries/rollups';
import { VERSION } from '../version';
import type { UsageScope } from './load';

/** What besides the scope a response depends on (its shape, the canonical query, the viewer's rights). */
export interface EtagInput {
  shape: 'page' | 'fragment' | 'csv';
  orgId: string;
  role: string | undefined;
  canSelect: boolean;
  /** The query in canonical form (defaults dropped), so equivalent URLs share one ETag. */
  query: string;
}

/** 53-bit FNV-1a style hash (two 32-bit lanes): collisions need an attacker who controls the data version. */
function hash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 0x01000193);
    h2 = Math.imul(h2 ^ ch, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(36) + (h2 >>> 0).toString(36);
}

/** The weak ETag of one usage response. */
export function usageEtag(scope: UsageScope, input: EtagInput): string {
  const material = JSON.stringify(
    [
      VERSION,
      input.shape,
      input.orgId,
      input.role ?? null,
      input.canSelect,
      input.query,
      scope.connectionId,
      scope.dataVersion,
      scope.graceStamp,
      // Rows served while a sync writes say when they were built (the page shows it).
      scope.summaryBehind,
      scope.summaryBehind ? scope.summaryBuiltAt : null,
      scope.thresholdDays,
      dayNumber(scope.now),
      scope.settings,
      scope.recommend.connectingUsername,
      scope.recommend.historyFrom,
      // The page says how fresh it is (state, last sync, data as of): a change there is a new page.
      scope.connection.state,
      scope.connection.lastSyncedAt,
      scope.connection.dataAsOf,
      // The seat price is a bigint (exact minor units), which JSON cannot spell on its own.
    ],
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
  );
  return `W/"u${scope.dataVersion}-${hash(material)}"`;
}

/** Whether an `If-None-Match` header names this ETag (weak comparison, `*` matches any). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  const want = bare(etag);
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === want);
}

/** Headers every usage response carries: revalidate each time, per user, and per htmx shape. */
export const REVALIDATE_HEADERS = {
  'Cache-Control': 'private, no-cache',
  Vary: 'HX-Request, HX-Request-Type, HX-History-Restore-Request',
} as const;
