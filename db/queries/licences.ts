/**
 * Licence queries: the organization's licence settings, and the monthly figures BlueJeans' plan terms
 * need (distinct hosts per month, PSTN and total minutes per month), each one grouped statement.
 */
import { eq, sql } from 'drizzle-orm';
import { DEFAULT_SETTINGS, type LicenceSettings } from '../../src/licences/settings';
import type { Db } from '../client';
import { bjMeetingHistory, bjMeetings, bjUsers, licenceSettings, usageDaily } from '../schema';
import { DAY_MS } from './rollups';

/** The stored settings, or the defaults when the organization never saved any. */
export async function getLicenceSettings(db: Db, orgId: string): Promise<LicenceSettings> {
  return settingsFromRow(
    await db.select().from(licenceSettings).where(eq(licenceSettings.orgId, orgId)).get(),
  );
}

/** The settings a stored row says (the defaults without one), for callers that read the row in a join. */
export function settingsFromRow(
  row: Omit<typeof licenceSettings.$inferSelect, 'orgId' | 'updatedAt' | 'updatedBy'> | null | undefined,
): LicenceSettings {
  if (!row) return { ...DEFAULT_SETTINGS, exempt: [] };
  let exempt: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.exempt);
    if (Array.isArray(parsed)) exempt = parsed.filter((x): x is string => typeof x === 'string');
  } catch {
    // A hand-edited row: treat as empty rather than failing every page.
  }
  return {
    plan: row.plan,
    seatPriceMinor: row.seatPriceMinor == null ? null : BigInt(row.seatPriceMinor),
    billing: row.billing,
    currency: row.currency,
    seatsPurchased: row.seatsPurchased,
    renewalDate: row.renewalDate,
    graceDays: row.graceDays,
    renewalBuffer: row.renewalBuffer,
    exempt,
    allowRemoval: row.allowRemoval,
  };
}

/** Saves every field at once (one upsert: all or nothing). */
export async function saveLicenceSettings(
  db: Db,
  orgId: string,
  s: LicenceSettings,
  by: string,
  now: number,
): Promise<void> {
  const values = {
    plan: s.plan,
    // Bounded by validation (at most 10^6 major units x 10^4), so it fits an integer column exactly.
    seatPriceMinor: s.seatPriceMinor == null ? null : Number(s.seatPriceMinor),
    billing: s.billing,
    currency: s.currency,
    seatsPurchased: s.seatsPurchased,
    renewalDate: s.renewalDate,
    graceDays: s.graceDays,
    renewalBuffer: s.renewalBuffer,
    exempt: JSON.stringify(s.exempt),
    allowRemoval: s.allowRemoval,
    updatedAt: now,
    updatedBy: by,
  };
  await db
    .insert(licenceSettings)
    .values({ orgId, ...values })
    .onConflictDoUpdate({ target: licenceSettings.orgId, set: values });
}

/** Earliest synced meeting start (the synced history begins there); null before any sync. */
export async function historyStart(db: Db, connectionId: string): Promise<number | null> {
  const [row] = await db.all<{ at: number | null }>(
    sql`SELECT min(${bjMeetings.startTime}) AS at FROM ${bjMeetings} WHERE ${bjMeetings.connectionId} = ${connectionId}`,
  );
  return row?.at ?? null;
}

/**
 * Distinct hosts (by lower-cased e-mail) per UTC month from `from` (a UTC midnight), read from the usage
 * rollup (`usage_daily`, the host-e-mail rows the sync keeps per day), never from raw meeting rows.
 */
export async function hostsByMonth(db: Db, connectionId: string, from: number): Promise<Map<string, number>> {
  const d = usageDaily;
  const fromDay = Math.floor(from / DAY_MS);
  const rows = await db.all<{ month: string; hosts: number }>(sql`
    SELECT strftime('%Y-%m', ${d.day} * 86400, 'unixepoch') AS month, count(DISTINCT lower(${d.subject})) AS hosts
    FROM ${d}
    WHERE ${d.connectionId} = ${connectionId} AND ${d.kind} = 'e' AND ${d.day} >= ${fromDay} AND ${d.meetingsHosted} > 0
    GROUP BY 1`);
  return new Map(rows.map((r) => [r.month, Number(r.hosts)]));
}

/**
 * PSTN (dial-out, toll-free, DID) and all participant minutes per UTC month from `from`. These stay on
 * meeting history: the rollup keeps PSTN minutes per host but not each meeting's total participant
 * minutes (its participant minutes come from participant rows, which do not always add up to it).
 */
export async function minutesByMonth(
  db: Db,
  connectionId: string,
  from: number,
): Promise<Map<string, { pstn: number; total: number }>> {
  const h = bjMeetingHistory;
  const rows = await db.all<{ month: string; pstn: number; total: number }>(sql`
    SELECT strftime('%Y-%m', ${h.startTime} / 1000, 'unixepoch') AS month,
      sum(${h.dialoutMinutes} + ${h.tollFreeMinutes} + ${h.didMinutes}) AS pstn,
      sum(${h.totalParticipantMinutes}) AS total
    FROM ${h}
    WHERE ${h.connectionId} = ${connectionId} AND ${h.startTime} >= ${from}
    GROUP BY 1`);
  return new Map(rows.map((r) => [r.month, { pstn: Number(r.pstn ?? 0), total: Number(r.total ?? 0) }]));
}

/** Users Seatwise removed (reclaim jobs) that are still gone: the seats whose price is saved. */
export async function reclaimedSeatCount(db: Db, connectionId: string): Promise<number> {
  const u = bjUsers;
  const [row] = await db.all<{ n: number }>(sql`
    SELECT count(*) AS n FROM ${u}
    WHERE ${u.connectionId} = ${connectionId} AND ${u.reclaimedAt} IS NOT NULL AND ${u.removedAt} IS NOT NULL`);
  return Number(row?.n ?? 0);
}
