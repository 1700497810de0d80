/**
 * What an admin selected for removal, checked before anything is stored or removed: every id must be a
 * licensed user of the organization's own connection, and none may be an enterprise admin, exempt, the
 * account Seatwise connects with, already removed, or already waiting in another reclaim. One refusal
 * refuses the whole selection (a 422 that names each problem); nobody is removed.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bjUsers, usagePeriod } from '../../db/schema';
import {
  type Recommendation,
  type RecommendationContext,
  type RecommendationFacts,
  recommend,
  recommendationReason,
} from '../licences/recommend';
import { isExempt } from '../licences/settings';
import { usersInUnfinishedJobs } from './store';

/** At most this many users per reclaim (the review page lists them all). */
export const MAX_SELECTION = 2000;

export interface ReviewUser {
  userId: string;
  name: string;
  email: string | null;
  recommendation: Recommendation | null;
  reason: string;
}

export interface SelectionRefusal {
  userId: string;
  message: string;
}

export interface CheckedSelection {
  users: ReviewUser[];
  refusals: SelectionRefusal[];
}

/** Why Seatwise never removes this user, or undefined when it may. Shared with the runner's re-check. */
export function protectedReason(
  u: { username: string; email: string | null; isEnterpriseAdmin: boolean },
  ctx: { exempt: readonly string[]; connectingUsername: string | null },
): string | undefined {
  if (u.isEnterpriseAdmin) return 'is an enterprise administrator: Seatwise never removes admins';
  const match = isExempt(u.email, ctx.exempt);
  if (match)
    return `is exempt (${match.startsWith('@') ? `every ${match} address` : 'on the exemption list'})`;
  if (ctx.connectingUsername != null && u.username === ctx.connectingUsername)
    return 'is the account Seatwise connects with';
  return undefined;
}

const displayName = (u: { firstName: string | null; lastName: string | null; username: string }) =>
  `${u.firstName ?? ''} ${u.lastName ?? ''}`.trim() || u.username;

/** Checks `userIds` (BlueJeans user ids from a form) against the connection's users. */
export async function checkSelection(
  db: Db,
  connectionId: string,
  userIds: readonly string[],
  ctx: RecommendationContext,
): Promise<CheckedSelection> {
  const ids = [...new Set(userIds.map((id) => id.trim()).filter((id) => id !== ''))];
  if (ids.length === 0) return { users: [], refusals: [] };
  const rows: (typeof bjUsers.$inferSelect & {
    hosted: number | null;
    attended: number | null;
    lastAt: number | null;
  })[] = [];
  // Bounded chunks keep every statement under SQLite's variable limit.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const found = await db
      .select({
        user: bjUsers,
        hosted: usagePeriod.meetingsHosted,
        attended: usagePeriod.meetingsAttended,
        lastAt: usagePeriod.lastAt,
      })
      .from(bjUsers)
      .leftJoin(
        usagePeriod,
        and(eq(usagePeriod.connectionId, bjUsers.connectionId), eq(usagePeriod.userId, bjUsers.userId)),
      )
      .where(and(eq(bjUsers.connectionId, connectionId), inArray(bjUsers.userId, chunk)))
      .all();
    for (const f of found) rows.push({ ...f.user, hosted: f.hosted, attended: f.attended, lastAt: f.lastAt });
  }
  const byId = new Map(rows.map((r) => [r.userId, r]));
  const busy = await usersInUnfinishedJobs(db, connectionId);
  const users: ReviewUser[] = [];
  const refusals: SelectionRefusal[] = [];
  for (const id of ids) {
    const u = byId.get(id);
    const label = u ? `${displayName(u)}${u.email ? ` (${u.email})` : ''}` : `User id “${id.slice(0, 64)}”`;
    if (!u) {
      refusals.push({
        userId: id,
        message: `${label} is not a user of your BlueJeans enterprise in Seatwise.`,
      });
      continue;
    }
    const why = protectedReason(u, ctx);
    if (why) {
      refusals.push({ userId: id, message: `${label} ${why}.` });
      continue;
    }
    if (u.removedAt != null) {
      refusals.push({ userId: id, message: `${label} was already removed from BlueJeans.` });
      continue;
    }
    if (busy.has(id)) {
      refusals.push({ userId: id, message: `${label} is already in a reclaim that is still running.` });
      continue;
    }
    const facts: RecommendationFacts = {
      username: u.username,
      email: u.email,
      isAdmin: u.isEnterpriseAdmin,
      joinedAt: u.enterpriseJoinDate ?? u.firstSeenAt,
      removedAt: u.removedAt,
      lastActiveAt: Math.max(u.lastActiveAt ?? 0, u.lastAt ?? 0) || null,
      meetingsHosted: Number(u.hosted ?? 0),
      meetingsAttended: Number(u.attended ?? 0),
    };
    const rec = recommend(facts, ctx);
    users.push({
      userId: id,
      name: displayName(u),
      email: u.email,
      recommendation: rec,
      reason: recommendationReason(rec, facts, ctx),
    });
  }
  return { users, refusals };
}
