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
import {
  ensureSummary,
  fittingState,
  type SummaryContext,
  type SummaryState,
} from '../../db/queries/usage-summary';
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
  /** When the summary rows were built, and whether the data moved on since (a sync is writing). */
  summaryBuiltAt: number | null;
  summaryBehind: boolean;
  /** Set while a sync writes, for usage views: every read of this request may serve recent rows. */
  stale?: SummaryContext['stale'];
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

/** How long rows built during a sync serve before one rebuild starts (in the background). */
export const SUMMARY_REFRESH_MS = 20_000;

export interface ScopeOptions {
  /**
   * Usage views (pages, fragments, CSV): while a sync writes, serve the rows last built until they are
   * SUMMARY_REFRESH_MS old, then while one rebuild runs in the background (`background` keeps it alive,
   * e.g. a Worker's waitUntil). Never for decisions (reclaim) or figures that must be current.
   */
  whileSyncing?: { background?: (work: Promise<unknown>) => void };
}

/** The organization's BlueJeans connection and its period, fixed once per request. */
export async function usageScope(
  db: Db,
  orgId: string,
  now: number,
  options: ScopeOptions = {},
): Promise<UsageScope> {
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
  const stale: SummaryContext['stale'] =
    options.whileSyncing && connection.state === 'syncing'
      ? {
          now,
          maxAgeMs: SUMMARY_REFRESH_MS,
          ...(options.whileSyncing.background ? { background: options.whileSyncing.background } : {}),
        }
      : undefined;
  const ctx: SummaryContext = {
    connectionId: connection.id,
    from,
    graceFrom: graceFrom(recommend),
    exempt: recommend.exempt,
    connectingUsername: recommend.connectingUsername,
    ...(stale ? { stale } : {}),
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
    summaryBuiltAt: summary.builtAt,
    summaryBehind: summary.behind,
    ...(stale ? { stale } : {}),
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
    ...(scope.stale ? { stale: scope.stale } : {}),
  };
}

/** One page of rows and the filtered total (a page past the end still learns the total). */
export async function loadPage(
  db: Db,
  scope: UsageScope,
  params: UsageParams,
): Promise<{ rows: UsageRow[]; total: number; scope: UsageScope }> {
  const base = { ...filterOf(scope, params), sort: params.sort, dir: params.dir };
  const page = await listUsage(db, { ...base, limit: PAGE_SIZE, offset: (params.page - 1) * PAGE_SIZE });
  return { rows: page.rows, total: page.total, scope: readAt(scope, page.state) };
}

/**
 * The scope as of the summary state a page was read at: the same unless a rebuild landed between the
 * scope's read and the page's (then the response's ETag must name the rows it shows).
 */
export function readAt(scope: UsageScope, state: SummaryState): UsageScope {
  if (
    state.version === scope.dataVersion &&
    state.graceLo === scope.graceStamp &&
    state.behind === scope.summaryBehind &&
    state.builtAt === scope.summaryBuiltAt
  )
    return scope;
  return {
    ...scope,
    dataVersion: state.version,
    graceStamp: state.graceLo,
    summaryBuiltAt: state.builtAt,
    summaryBehind: state.behind,
  };
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
  const read = readAt(scope, page.state);
  return {
    scope: read,
    // Rows of an older version while a sync writes: the page says when they were built.
    ...(read.summaryBehind && read.summaryBuiltAt != null ? { figuresAsOf: read.summaryBuiltAt } : {}),
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
