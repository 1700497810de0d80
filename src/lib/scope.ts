/**
 * Scoping in one place: one organization's view of the database.
 *
 * Tenancy builds an `OrgScope` for every request (`c.var.scope`) from the
 * organization it resolved. Routes reach customer data only through it (they
 * never touch `deps.db`: test/app/scoping.test.ts reads every route file and
 * fails on one that does), and services take the scope instead of a loose
 * `(db, orgId)` pair:
 *
 * - `ownedBy(scope, table)` is the condition that restricts any customer table:
 *   tables with an `org_id` by it, connection-keyed tables (synced data, runs,
 *   checkpoints) by the organization's connections, reclaim items by their job;
 * - `findOwned(scope, table, id)` looks an id from a URL or form up within the
 *   organization only, and a miss is a 404 whether or not the id exists elsewhere.
 */
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client';
import { connections, reclaimJobs } from '../../db/schema';
import { userError } from './http-errors';

export interface OrgScope {
  readonly db: Db;
  readonly orgId: string;
}

export function orgScope(db: Db, orgId: string): OrgScope {
  return Object.freeze({ db, orgId });
}

type OrgTable = SQLiteTable & { orgId: SQLiteColumn };
type ConnectionTable = SQLiteTable & { connectionId: SQLiteColumn };
/** Rows of a reclaim job (reclaim_items): owned through their job. */
type JobTable = SQLiteTable & { jobId: SQLiteColumn };
export type CustomerTable = OrgTable | ConnectionTable | JobTable;

/** The organization's connection ids, as a subquery. */
export function orgConnectionIds(scope: OrgScope) {
  return scope.db.select({ id: connections.id }).from(connections).where(eq(connections.orgId, scope.orgId));
}

/** The condition that keeps a query of `table` inside the organization. */
export function ownedBy(scope: OrgScope, table: CustomerTable): SQL {
  if ('orgId' in table) return eq(table.orgId, scope.orgId);
  if ('connectionId' in table) return inArray(table.connectionId, orgConnectionIds(scope));
  return inArray(
    table.jobId,
    scope.db.select({ id: reclaimJobs.id }).from(reclaimJobs).where(eq(reclaimJobs.orgId, scope.orgId)),
  );
}

/** A row by id within the organization, or undefined (for callers with their own "missing" answer). */
export async function findOwnedOrUndefined<T extends CustomerTable & { id: SQLiteColumn }>(
  scope: OrgScope,
  table: T,
  id: string,
): Promise<T['$inferSelect'] | undefined> {
  return scope.db
    .select()
    .from(table as SQLiteTable)
    .where(and(eq(table.id, id), ownedBy(scope, table)))
    .get() as Promise<T['$inferSelect'] | undefined>;
}

/** A row by id within the organization; a miss is a 404 (never "it exists, but not for you"). */
export async function findOwned<T extends CustomerTable & { id: SQLiteColumn }>(
  scope: OrgScope,
  table: T,
  id: string,
  what = 'That item',
): Promise<T['$inferSelect']> {
  const row = await findOwnedOrUndefined(scope, table, id);
  if (!row) throw userError(404, `${what} does not exist.`);
  return row;
}
