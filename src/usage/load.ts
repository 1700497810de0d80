/**
 * Gathers what the usage page shows for one organization: its threshold, the
 * period, the summary, one page of rows and the chart series. Routes call this;
 * views receive the result.
 */
import type { Db } from '../../db/client';
import { historyFrom } from '../../db/queries/history';
import { settingsFromRow } from '../../db/queries/licences';
import {
  listUsage,
  listUsageWithSummary,
  type UsageConnection,
  type UsageFilter,
  type UsageRow,
  usageScopeFacts,
} from '../../db/queries/usage';
import { ensureSummary, fittingState } from '../../db/queries/usage-summary';
import { parsePublicConfig } from '../connections/credentials';
import { getOrCreateConnection } from '../connections/store';
import { graceFrom, type RecommendationContext } from '../licences/recommend';
import type { LicenceSettings } from '../licences/settings';
import type { UsageModel } from '../views/usage-page';
import { DEFAULT_THRESHOLD, periodStart } from './activity';
import { dailySeries, dayRange, featureAdoption } from './charts';
import { loadFreshness } from './freshness';
import { PAGE_SIZE, type UsageParams } from './query-params';

export interface UsageScope {
  connectionId: string;
  thresholdDays: number;
  now: number;
  from: number;
  /** The fields of the connection pages depend on (its sealed credentials are never read here). */
  connection: UsageConnection;
  /** The connection's data version the summary rows were built at (see ensureSummary); part of every ETag. */
  dataVersion: number;
  /** Moves when the grace rule re-decided users without a version change; part of every ETag too. */
  graceStamp: number | null;
  settings: LicenceSettings;
  /** What recommendations and their reasons are decided on. */
  recommend: RecommendationContext;
}

/** connectingUsername per public config text: every request of a connection asks with the same text. */
const usernames = new Map<string, string | null>();

/** The user Seatwise connects as, when the connection is a user's (never for an app key). */
export function connectingUsername(row: { publicConfig: string | null }): string | null {
  const text = row.publicConfig ?? '';
  const known = usernames.get(text);
  if (known !== undefined) return known;
  const config = parsePublicConfig(row.publicConfig);
  let name: string | null = null;
  if (config.username) name = config.username;
  else if (config.method === 'oauth' || config.method === 'access_token') name = config.accountLabel ?? null;
  if (usernames.size >= 1000) usernames.clear();
  usernames.set(text, name);
  return name;
}

/** The organization's BlueJeans connection and its period, fixed once per request. */
export async function usageScope(db: Db, orgId: string, now: number): Promise<UsageScope> {
  // One statement for everything a request starts from (and all a 304 needs).
  let facts = await usageScopeFacts(db, orgId, 'bluejeans');
  if (!facts) {
    await getOrCreateConnection(db, orgId, 'bluejeans');
    facts = await usageScopeFacts(db, orgId, 'bluejeans');
    if (!facts) throw new Error(`the BlueJeans connection of ${orgId} could not be read`);
  }
  const { connection } = facts;
  const settings = settingsFromRow(facts.settings);
  const thresholdDays = facts.inactiveAfterDays ?? DEFAULT_THRESHOLD;
  const recommend: RecommendationContext = {
    now,
    thresholdDays,
    graceDays: settings.graceDays,
    exempt: settings.exempt,
    connectingUsername: connectingUsername(connection),
    // One synced span for status and recommendation reasons alike (src/usage/history.ts).
    historyFrom: historyFrom(facts.firstRun, facts.firstMeeting).from,
  };
  const from = periodStart(now, thresholdDays);
  const ctx = {
    connectionId: connection.id,
    from,
    graceFrom: graceFrom(recommend),
    exempt: recommend.exempt,
    connectingUsername: recommend.connectingUsername,
  };
  const summary = fittingState(facts.state, ctx) ?? (await ensureSummary(db, ctx));
  return {
    connectionId: connection.id,
    thresholdDays,
    now,
    from,
    connection,
    dataVersion: summary.version,
    graceStamp: summary.graceLo,
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
  return listUsage(db, { ...base, limit: PAGE_SIZE, offset: (params.page - 1) * PAGE_SIZE });
}

/** Everything the full page needs: page and summary from one aggregation, charts beside it. */
export async function loadUsageModel(db: Db, scope: UsageScope, params: UsageParams): Promise<UsageModel> {
  const days = dayRange(scope.now, params.range ?? scope.thresholdDays);
  const page = await listUsageWithSummary(
    db,
    {
      ...filterOf(scope, params),
      sort: params.sort,
      dir: params.dir,
      limit: PAGE_SIZE,
      offset: (params.page - 1) * PAGE_SIZE,
    },
    { from: days[0] ?? '', to: days[days.length - 1] ?? '' },
  );
  const { summary, daily } = page;
  return {
    now: scope.now,
    thresholdDays: scope.thresholdDays,
    recommend: scope.recommend,
    params,
    summary,
    rows: page.rows,
    total: page.total,
    daily: dailySeries(daily, days),
    freshness: await loadFreshness(db, scope.connection, scope.now),
    adoption: featureAdoption(summary),
  };
}
