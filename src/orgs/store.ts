/**
 * Organizations and their members. Every change writes the activity log in the
 * same batch as the change; the last admin of an organization can be neither
 * removed nor demoted (checked inside the write itself, so two admins removing
 * each other at once cannot both succeed).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { organizations, orgMembers } from '../../db/schema';
import { auditInsert, guardedAuditInsert, isGuardFailure } from '../connections/audit';
import { newId } from '../lib/ids';
import type { Role } from '../lib/roles';
import { z } from '../lib/zlite';

export type OrgRow = typeof organizations.$inferSelect;
export type MemberRow = typeof orgMembers.$inferSelect;

/** URL-safe: lower-case letters, digits and inner hyphens, 1-63 characters (a DNS label). */
export const SlugSchema = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    'a slug is 1-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
  );

export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'expected an email address like alice@acme.example' }).max(254));

export const OrgNameSchema = z
  .string()
  .trim()
  .min(1, 'the name must not be empty')
  .max(120, 'the name has at most 120 characters');

export class OrgError extends Error {
  override readonly name = 'OrgError';
  constructor(
    readonly reason: 'exists' | 'no_org' | 'no_member' | 'member_exists' | 'last_admin',
    message: string,
  ) {
    super(message);
  }
}

export interface Actor {
  actor: string;
  now: number;
}

export async function findOrgBySlug(db: Db, slug: string): Promise<OrgRow | undefined> {
  return db.select().from(organizations).where(eq(organizations.slug, slug)).get();
}

export async function findOrgById(db: Db, id: string): Promise<OrgRow | undefined> {
  return db.select().from(organizations).where(eq(organizations.id, id)).get();
}

export async function listOrganizations(db: Db): Promise<(OrgRow & { members: number; admins: number })[]> {
  return db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      inactiveAfterDays: organizations.inactiveAfterDays,
      settings: organizations.settings,
      createdAt: organizations.createdAt,
      members: sql<number>`(select count(*) from ${orgMembers} m where m.org_id = ${organizations.id})`,
      admins: sql<number>`(select count(*) from ${orgMembers} m where m.org_id = ${organizations.id} and m.role = 'admin')`,
    })
    .from(organizations)
    .orderBy(asc(organizations.slug))
    .all();
}

/**
 * Creates an organization (and its first admin, when given) with its audit entries.
 * `id` defaults to a new id; the built-in `local`/`default` organizations use their slug as id.
 */
export async function createOrganization(
  db: Db,
  input: Actor & { slug: string; name: string; admin?: string; id?: string; via?: string },
): Promise<OrgRow> {
  const id = input.id ?? newId('org', input.now);
  const inserted = await db
    .insert(organizations)
    .values({ id, slug: input.slug, name: input.name })
    .onConflictDoNothing()
    .returning()
    .get();
  if (!inserted) {
    throw new OrgError('exists', `An organization with the slug "${input.slug}" already exists.`);
  }
  const detail = { slug: input.slug, name: input.name, ...(input.via ? { via: input.via } : {}) };
  const created = auditInsert(db, {
    orgId: id,
    actor: input.actor,
    action: 'org.created',
    detail,
    at: input.now,
  });
  if (input.admin) {
    await db.batch([
      created,
      db.insert(orgMembers).values({ orgId: id, email: input.admin, role: 'admin', createdBy: input.actor }),
      auditInsert(db, {
        orgId: id,
        actor: input.actor,
        action: 'member.added',
        detail: { email: input.admin, role: 'admin' },
        at: input.now,
      }),
    ]);
  } else {
    await created;
  }
  return inserted;
}

/** Makes sure a built-in organization exists (idempotent, safe under races): `local` / `default`. */
export async function ensureBuiltInOrganization(db: Db, slug: string, name = 'My organization') {
  await db.insert(organizations).values({ id: slug, slug, name }).onConflictDoNothing();
}

export async function listMembers(db: Db, orgId: string): Promise<MemberRow[]> {
  return db
    .select()
    .from(orgMembers)
    .where(eq(orgMembers.orgId, orgId))
    .orderBy(asc(orgMembers.role), asc(orgMembers.email))
    .all();
}

/** The admins' emails (for the 403 page: "ask one of them"). */
export async function orgAdmins(db: Db, orgId: string): Promise<string[]> {
  const rows = await db
    .select({ email: orgMembers.email })
    .from(orgMembers)
    .where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.role, 'admin')))
    .orderBy(asc(orgMembers.email))
    .all();
  return rows.map((r) => r.email);
}

/** Every organization an email belongs to, with its role there (slug order). */
export async function membershipsOf(db: Db, email: string): Promise<{ org: OrgRow; role: Role }[]> {
  const rows = await db
    .select({ org: organizations, role: orgMembers.role })
    .from(orgMembers)
    .innerJoin(organizations, eq(organizations.id, orgMembers.orgId))
    .where(eq(orgMembers.email, email.toLowerCase()))
    .orderBy(asc(organizations.slug))
    .all();
  return rows;
}

export async function addMember(
  db: Db,
  input: Actor & { orgId: string; email: string; role: Role },
): Promise<void> {
  try {
    await db.batch([
      db
        .insert(orgMembers)
        .values({ orgId: input.orgId, email: input.email, role: input.role, createdBy: input.actor })
        .onConflictDoNothing(),
      guardedAuditInsert(db, {
        orgId: input.orgId,
        actor: input.actor,
        action: 'member.added',
        detail: { email: input.email, role: input.role },
        at: input.now,
      }),
    ]);
  } catch (err) {
    if (isGuardFailure(err)) throw new OrgError('member_exists', `${input.email} is already a member.`);
    throw err;
  }
}

/** A role change; demoting the last admin is refused. */
export async function setMemberRole(
  db: Db,
  input: Actor & { orgId: string; email: string; role: Role },
): Promise<void> {
  const current = await memberRow(db, input.orgId, input.email);
  if (!current) throw new OrgError('no_member', `${input.email} is not a member of this organization.`);
  if (current.role === input.role) return;
  try {
    await db.batch([
      db
        .update(orgMembers)
        .set({ role: input.role })
        .where(
          and(
            eq(orgMembers.orgId, input.orgId),
            eq(orgMembers.email, input.email),
            keepsAnAdmin(input.orgId),
          ),
        ),
      guardedAuditInsert(db, {
        orgId: input.orgId,
        actor: input.actor,
        action: 'member.role_changed',
        detail: { email: input.email, from: current.role, to: input.role },
        at: input.now,
      }),
    ]);
  } catch (err) {
    if (isGuardFailure(err)) throw lastAdmin(input.email);
    throw err;
  }
}

/** Removes a member; removing the last admin is refused. */
export async function removeMember(db: Db, input: Actor & { orgId: string; email: string }): Promise<void> {
  const current = await memberRow(db, input.orgId, input.email);
  if (!current) throw new OrgError('no_member', `${input.email} is not a member of this organization.`);
  try {
    await db.batch([
      db
        .delete(orgMembers)
        .where(
          and(
            eq(orgMembers.orgId, input.orgId),
            eq(orgMembers.email, input.email),
            keepsAnAdmin(input.orgId),
          ),
        ),
      guardedAuditInsert(db, {
        orgId: input.orgId,
        actor: input.actor,
        action: 'member.removed',
        detail: { email: input.email, role: current.role },
        at: input.now,
      }),
    ]);
  } catch (err) {
    if (isGuardFailure(err)) throw lastAdmin(input.email);
    throw err;
  }
}

export async function memberRow(db: Db, orgId: string, email: string): Promise<MemberRow | undefined> {
  return db
    .select()
    .from(orgMembers)
    .where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.email, email.toLowerCase())))
    .get();
}

/** The row is not an admin, or another admin remains: evaluated inside the write. */
function keepsAnAdmin(orgId: string) {
  return sql`(${orgMembers.role} <> 'admin' or (select count(*) from ${orgMembers} o where o.org_id = ${orgId} and o.role = 'admin') > 1)`;
}

function lastAdmin(email: string) {
  return new OrgError(
    'last_admin',
    `${email} is the last admin of this organization: make someone else an admin first.`,
  );
}
