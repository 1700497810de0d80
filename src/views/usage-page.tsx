/**
 * The usage page: period and threshold, summary tiles, charts, then the licence table.
 * `UsageBody` is also what the threshold form's htmx request swaps (every status depends on it).
 */
import type { UsageRow, UsageSummary } from '../../db/queries/usage';
import type { Role } from '../lib/roles';
import type { RecommendationContext } from '../licences/recommend';
import { periodStart } from '../usage/activity';
import type { ChartPoint, ShareBar } from '../usage/charts';
import type { Freshness } from '../usage/freshness';
import type { UsageScope } from '../usage/load';
import { SUMMARY_REFRESH_MS } from '../usage/load';
import type { UsageParams } from '../usage/query-params';
import { usageUrl } from '../usage/query-params';
import { AdoptionChart } from './chart-adoption';
import { BarChart } from './chart-bars';
import { formatDate, formatDateTime } from './format';
import { Layout } from './layout';
import { memoizedView } from './memo';
import { UsageFreshness } from './usage-freshness';
import { ThresholdForm } from './usage-settings';
import { ResultsAnnouncement, resultsSummary, UsageFilters, UsageResults } from './usage-table';
import { UsageTiles } from './usage-tiles';

export const BODY_ID = 'usage-body';

/** Both follow the summary only, so every request of a build draws the same (see memo.ts). */
const Tiles = memoizedView(UsageTiles);
const Adoption = memoizedView(AdoptionChart);

export interface UsageModel {
  now: number;
  thresholdDays: number;
  /** What recommendations and reasons are decided on. */
  recommend: RecommendationContext;
  params: UsageParams;
  summary: UsageSummary;
  rows: UsageRow[];
  total: number;
  daily: { activeUsers: ChartPoint[]; meetings: ChartPoint[] };
  adoption: ShareBar[];
  /** Rows carry reclaim checkboxes (an admin who allowed removal). */
  canSelect?: boolean;
  /** Offers the full history archive (admins). */
  canArchive?: boolean;
  /** The reader's role (the page's navigation). */
  role?: Role;
  /** Set when the threshold form was refused. */
  settingsError?: string;
  /** A one-line confirmation (e.g. the threshold was saved). */
  notice?: string;
  /** Data as of, a running sync, a disconnected account (absent in fragments that do not show it). */
  freshness?: Freshness;
  /** Set while a sync writes and the figures are from rows built then (before its latest pages). */
  figuresAsOf?: number;
  /** The scope the rows were read at (for the response's ETag). */
  scope?: UsageScope;
}

export function UsagePage({ model }: { model: UsageModel }) {
  return (
    <Layout title="BlueJeans usage" role={model.role}>
      <h1>BlueJeans licence usage</h1>
      {model.freshness ? <UsageFreshness f={model.freshness} pageUrl={usageUrl(model.params)} /> : null}
      {model.summary.total === 0 ? <UsageEmpty /> : <UsageBody model={model} />}
    </Layout>
  );
}

/** Nothing synced yet: say so and point to the card that starts a sync. */
export function UsageEmpty() {
  return (
    <section class="card usage-empty" id={BODY_ID}>
      <h2>No BlueJeans users synced yet</h2>
      <p>
        Usage appears here after the first sync of your BlueJeans account.{' '}
        <a href="/#bluejeans-card">Go to the Connections card</a> to connect or to sync now.
      </p>
    </section>
  );
}

export function UsageBody({ model }: { model: UsageModel }) {
  const { now, thresholdDays, params, summary } = model;
  // The first whole UTC day of the period (periodStart is the millisecond before it).
  const periodFrom = periodStart(now, thresholdDays) + 1;
  // Trends cover the threshold's days, as Feature adoption and the tiles do, unless the URL picks others.
  const range = params.range ?? thresholdDays;
  return (
    <div id={BODY_ID}>
      <div class="usage-period">
        <p>
          Counts cover the last <strong>{thresholdDays} days</strong> ({formatDate(periodFrom)} to{' '}
          {formatDate(now)}). A seat is inactive after {thresholdDays} days without a meeting.
        </p>
        <ThresholdForm current={thresholdDays} target={`#${BODY_ID}`} error={model.settingsError} />
      </div>
      {model.figuresAsOf != null ? (
        <p class="muted" id="usage-figures-as-of">
          {`Figures as of ${formatDateTime(model.figuresAsOf)}, while the sync writes: they catch up about every ${SUMMARY_REFRESH_MS / 1000} seconds and are complete when it ends.`}
        </p>
      ) : null}
      {model.notice ? (
        <p class="notice" role="status">
          {model.notice}
        </p>
      ) : null}
      <Tiles summary={summary} thresholdDays={thresholdDays} />
      <section class="usage-charts" aria-labelledby="usage-charts-title">
        <h2 id="usage-charts-title">
          Trends{' '}
          <span class="muted range-links">
            {([30, 60, 90] as const).map((r) =>
              r === range ? (
                <strong aria-current="true">{` last ${r} days `}</strong>
              ) : (
                // The threshold's own range needs no parameter: the charts follow it by default.
                <a
                  href={usageUrl(params, { range: r === thresholdDays ? undefined : r })}
                >{` last ${r} days `}</a>
              ),
            )}
          </span>
        </h2>
        <div class="two-col">
          <BarChart
            id="chart-active-users"
            title={`Daily active users, last ${range} days`}
            unit="active users"
            points={model.daily.activeUsers}
          />
          <BarChart
            id="chart-meetings"
            title={`Meetings per day, last ${range} days`}
            unit="meetings"
            points={model.daily.meetings}
          />
        </div>
        <Adoption bars={model.adoption} activeUsers={summary.active} periodDays={thresholdDays} />
      </section>
      <h2>Users</h2>
      <UsageFilters params={params} />
      <ResultsAnnouncement text={resultsSummary(model.total, params.page, model.rows.length)} />
      <UsageResults
        rows={model.rows}
        total={model.total}
        params={params}
        now={now}
        periodDays={thresholdDays}
        recommend={model.recommend}
        canSelect={model.canSelect ?? false}
        canArchive={model.canArchive ?? false}
      />
    </div>
  );
}
