/**
 * Reading and creating connection rows. State changes go through the state
 * machine (state-machine.ts), which also writes the audit log.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections, organizations } from '../../db/schema';
import { newId } from '../lib/ids';

export type ConnectionRow = typeof connections.$inferSelect;

export const LOCAL_ORG_ID = 'local';

/** Creates the organization if it does not exist yet (idempotent, safe under races). */
export async function ensureOrganization(db: Db, orgId: string, name = 'My organization'): Promise<void> {
  // Built-in and test organizations are named by their id.
  await db.insert(organizations).values({ id: orgId, slug: orgId, name }).onConflictDoNothing();
}

/** The organization's connection to `vendor`, created (disconnected) on first use so history has a home. */
export async function getOrCreateConnection(db: Db, orgId: string, vendor: string): Promise<ConnectionRow> {
  const existing = await findConnection(db, orgId, vendor);
  if (existing) return existing;
  await db
    .insert(connections)
    .values({ id: newId('con'), orgId, vendor, state: 'disconnected' })
    .onConflictDoNothing();
  const created = await findConnection(db, orgId, vendor);
  if (!created) throw new Error(`connection for ${orgId}/${vendor} could not be created`);
  return created;
}

export async function findConnection(
  db: Db,
  orgId: string,
  vendor: string,
): Promise<ConnectionRow | undefined> {
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.orgId, orgId), eq(connections.vendor, vendor)))
    .get();
}

/** A connection by id, only within its organization (ids from forms are never trusted across tenants). */
export async function getConnectionById(
  db: Db,
  orgId: string,
  id: string,
): Promise<ConnectionRow | undefined> {
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.orgId, orgId), eq(connections.id, id)))
    .get();
}
