/**
 * The figures of `GET /licences` and `/licences/summary.json`, gathered once per request: seats, users,
 * recommendations, savings (exact minor units), and BlueJeans' plan terms over the synced months.
 */
import type { Db } from '../../db/client';
import { hostsByMonth, minutesByMonth, reclaimedSeatCount } from '../../db/queries/licences';
import { usageSummary } from '../../db/queries/usage';
import { filterOf, type UsageScope, usageScope } from '../usage/load';
import { resolveParams, UsageQuery } from '../usage/query-params';
import { annualSeatPrice, times, toDecimalString } from './money';
import {
  type ActiveHostBasis,
  activeHostBasis,
  fillMonths,
  type MonthHosts,
  type MonthPstnShare,
  monthStart,
  priorMonths,
  pstnShares,
  recommendedSeats,
} from './plan-terms';
import type { Recommendation } from './recommend';
import type { LicenceSettings } from './settings';

export interface LicenceSummary {
  now: number;
  settings: LicenceSettings;
  scope: UsageScope;
  licensedUsers: number;
  recommendations: Record<Recommendation, number>;
  reclaimable: number;
  attendeeOnly: number;
  reclaimedSeats: number;
  /** Per seat per year, minor units; null until a price is set. */
  annualSeatMinor: bigint | null;
  potentialSavingsMinor: bigint | null;
  realizedSavingsMinor: bigint | null;
  activeHosts: MonthHosts[];
  basis: ActiveHostBasis | null;
  /** Projected renewal of an active-host plan: billed hosts x the yearly seat price. */
  projectedRenewalMinor: bigint | null;
  peakHosts: number;
  recommendedSeats: number;
  pstn: MonthPstnShare[];
  period: { from: number; to: number } | null;
  dataAsOf: number | null;
}

/** Everything the licences page and JSON show, for one organization at `now`. */
export async function loadLicenceSummary(db: Db, orgId: string, now: number): Promise<LicenceSummary> {
  const scope = await usageScope(db, orgId, now);
  const { settings } = scope;
  const months = priorMonths(now, scope.recommend.historyFrom);
  const from = months[0] ? monthStart(months[0]) : now;
  const filter = filterOf(scope, resolveParams(UsageQuery.parse({})));
  const [summary, hosts, minutes, reclaimedSeats] = await Promise.all([
    usageSummary(db, scope.connectionId, scope.from, filter.rec),
    hostsByMonth(db, scope.connectionId, from),
    minutesByMonth(db, scope.connectionId, from),
    reclaimedSeatCount(db, scope.connectionId),
  ]);
  const activeHosts = fillMonths(months, hosts);
  const basis = activeHostBasis(activeHosts);
  const peakHosts = activeHosts.reduce((m, x) => Math.max(m, x.hosts), 0);
  const annualSeatMinor =
    settings.seatPriceMinor == null ? null : annualSeatPrice(settings.seatPriceMinor, settings.billing);
  const reclaimable = summary.recommendations.reclaim;
  return {
    now,
    settings,
    scope,
    licensedUsers: summary.licensed,
    recommendations: summary.recommendations,
    reclaimable,
    attendeeOnly: summary.recommendations.attendee_only,
    reclaimedSeats,
    annualSeatMinor,
    potentialSavingsMinor: annualSeatMinor == null ? null : times(annualSeatMinor, reclaimable),
    realizedSavingsMinor: annualSeatMinor == null ? null : times(annualSeatMinor, reclaimedSeats),
    activeHosts,
    basis,
    projectedRenewalMinor:
      annualSeatMinor == null || !basis ? null : times(annualSeatMinor, basis.billedHosts),
    peakHosts,
    recommendedSeats: recommendedSeats(peakHosts, settings.renewalBuffer),
    pstn: pstnShares(
      months.map((month) => ({
        month,
        pstnMinutes: minutes.get(month)?.pstn ?? 0,
        totalMinutes: minutes.get(month)?.total ?? 0,
      })),
    ),
    period: months.length > 0 ? { from: Math.max(from, scope.recommend.historyFrom ?? from), to: now } : null,
    dataAsOf: scope.connection.dataAsOf ?? null,
  };
}

/** How many users are recommended for reclaim now (for webhooks: `licences.reclaimable`). */
export async function reclaimRecommendationCount(db: Db, orgId: string, now: number): Promise<number> {
  const scope = await usageScope(db, orgId, now);
  const filter = filterOf(scope, resolveParams(UsageQuery.parse({})));
  return (await usageSummary(db, scope.connectionId, scope.from, filter.rec)).recommendations.reclaim;
}

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
const money = (minor: bigint | null, currency: string) =>
  minor == null ? null : toDecimalString(minor, currency);

/** The documented JSON shape of `/licences/summary.json` (money as exact decimal strings). */
export function summaryJson(s: LicenceSummary) {
  const { currency } = s.settings;
  return {
    currency,
    seatPrice: money(s.settings.seatPriceMinor, currency),
    billing: s.settings.billing,
    plan: s.settings.plan,
    licensedUsers: s.licensedUsers,
    seatsPurchased: s.settings.seatsPurchased,
    reclaimable: s.reclaimable,
    attendeeOnly: s.attendeeOnly,
    potentialSavingsAnnual: money(s.potentialSavingsMinor, currency),
    realizedSavingsAnnual: money(s.realizedSavingsMinor, currency),
    activeHosts: s.activeHosts.map((m) => ({ month: m.month, hosts: m.hosts })),
    activeHostBasis: s.basis?.basis ?? null,
    recommendedSeats: s.recommendedSeats,
    pstnShare: s.pstn.map((m) => ({ month: m.month, share: m.share, overSurchargeThreshold: m.over })),
    period: s.period ? { from: iso(s.period.from), to: iso(s.period.to) } : null,
    dataAsOf: iso(s.dataAsOf),
  };
}
