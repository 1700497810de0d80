/**
 * Gathers what the usage page shows for one organization: its threshold, the
 * period, the summary, one page of rows and the chart series. Routes call this;
 * views receive the result.
 */
import type { Db } from '../../db/client';
import { syncedHistory } from '../../db/queries/history';
import { getLicenceSettings } from '../../db/queries/licences';
import { dayNumber, ensurePeriod } from '../../db/queries/rollups';
import {
  dailyUsage,
  getInactiveAfterDays,
  listUsage,
  listUsageWithSummary,
  type UsageFilter,
  type UsageRow,
} from '../../db/queries/usage';
import { parsePublicConfig } from '../connections/credentials';
import { type ConnectionRow, getOrCreateConnection } from '../connections/store';
import { graceFrom, type RecommendationContext } from '../licences/recommend';
import type { LicenceSettings } from '../licences/settings';
import type { UsageModel } from '../views/usage-page';
import { DEFAULT_THRESHOLD, periodStart } from './activity';
import { dailySeries, dayRange, featureAdoption } from './charts';
import { PAGE_SIZE, type UsageParams } from './query-params';

export interface UsageScope {
  connectionId: string;
  thresholdDays: number;
  now: number;
  from: number;
  connection: ConnectionRow;
  /** The connection's data version the period was built at (see ensurePeriod); part of every ETag. */
  dataVersion: number;
  settings: LicenceSettings;
  /** What recommendations and their reasons are decided on. */
  recommend: RecommendationContext;
}

/** The user Seatwise connects as, when the connection is a user's (never for an app key). */
export function connectingUsername(row: ConnectionRow): string | null {
  const config = parsePublicConfig(row.publicConfig);
  if (config.username) return config.username;
  if (config.method === 'oauth' || config.method === 'access_token') return config.accountLabel ?? null;
  return null;
}

/** The organization's BlueJeans connection and its period, fixed once per request. */
export async function usageScope(db: Db, orgId: string, now: number): Promise<UsageScope> {
  const [connection, stored, settings] = await Promise.all([
    getOrCreateConnection(db, orgId, 'bluejeans'),
    getInactiveAfterDays(db, orgId),
    getLicenceSettings(db, orgId),
  ]);
  const thresholdDays = stored ?? DEFAULT_THRESHOLD;
  const recommend: RecommendationContext = {
    now,
    thresholdDays,
    graceDays: settings.graceDays,
    exempt: settings.exempt,
    connectingUsername: connectingUsername(connection),
    // One synced span for status and recommendation reasons alike (src/usage/history.ts).
    historyFrom: (await syncedHistory(db, connection.id)).from,
  };
  const dataVersion = await ensurePeriod(db, connection.id, thresholdDays, dayNumber(now));
  return {
    connectionId: connection.id,
    thresholdDays,
    now,
    from: periodStart(now, thresholdDays),
    connection,
    dataVersion,
    settings,
    recommend,
  };
}

export function filterOf(scope: UsageScope, params: UsageParams): UsageFilter {
  return {
    connectionId: scope.connectionId,
    from: scope.from,
    q: params.q,
    status: params.status,
    ...(params.feature ? { feature: params.feature } : {}),
    ...(params.recommendation ? { recommendation: params.recommendation } : {}),
    rec: {
      graceFrom: graceFrom(scope.recommend),
      exempt: scope.recommend.exempt,
      connectingUsername: scope.recommend.connectingUsername,
    },
  };
}

/** One page of rows and the filtered total (a page past the end still learns the total). */
export async function loadPage(
  db: Db,
  scope: UsageScope,
  params: UsageParams,
): Promise<{ rows: UsageRow[]; total: number }> {
  const base = { ...filterOf(scope, params), sort: params.sort, dir: params.dir };
  const page = await listUsage(db, { ...base, limit: PAGE_SIZE, offset: (params.page - 1) * PAGE_SIZE });
  if (page.rows.length > 0 || params.page === 1) return page;
  const probe = await listUsage(db, { ...base, limit: 1, offset: 0 });
  return { rows: [], total: probe.total };
}

/** Everything the full page needs: page and summary from one aggregation, charts beside it. */
export async function loadUsageModel(db: Db, scope: UsageScope, params: UsageParams): Promise<UsageModel> {
  const days = dayRange(scope.now, params.range);
  const [first, daily] = await Promise.all([
    listUsageWithSummary(db, {
      ...filterOf(scope, params),
      sort: params.sort,
      dir: params.dir,
      limit: PAGE_SIZE,
      offset: (params.page - 1) * PAGE_SIZE,
    }),
    dailyUsage(db, scope.connectionId, days[0] ?? '', days[days.length - 1] ?? ''),
  ]);
  const { summary } = first;
  // Past the last page: the total still has to be known for the "no such page" message.
  const page = first.rows.length > 0 || params.page === 1 ? first : await loadPage(db, scope, params);
  return {
    now: scope.now,
    thresholdDays: scope.thresholdDays,
    recommend: scope.recommend,
    params,
    summary,
    rows: page.rows,
    total: page.total,
    daily: dailySeries(daily, days),
    adoption: featureAdoption(summary),
  };
}
