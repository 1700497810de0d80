/**
 * `npm run org -- ...`: organizations and members from the command line, against DATABASE_URL.
 *
 *   add <slug> --name "Acme" [--admin alice@acme.example] [--embed-origins "https://portal.acme.example"]
 *   set <slug> [--name "Acme Corp"] [--embed-origins "https://a.example https://b.example" | --embed-origins ""]
 *   member <slug> add <email> [admin|viewer]     (viewer when left out)
 *   member <slug> remove <email>
 *   member <slug> role <email> admin|viewer
 *   list
 *
 * Every change is written to the organization's activity log as `cli`.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { organizations } from '../../db/schema';
import type { Role } from '../lib/roles';
import { parseOrgSettings, parseOriginList } from './settings';
import {
  addMember,
  createOrganization,
  EmailSchema,
  findOrgBySlug,
  listMembers,
  listOrganizations,
  OrgError,
  OrgNameSchema,
  removeMember,
  SlugSchema,
  setMemberRole,
} from './store';

export interface CliResult {
  code: number;
  lines: string[];
}

export const ORG_USAGE = [
  'usage: npm run org -- add <slug> --name "Acme" [--admin <email>] [--embed-origins "<origin> ..."]',
  '       npm run org -- set <slug> [--name "Acme"] [--embed-origins "<origin> ..."]',
  '       npm run org -- member <slug> add|remove|role <email> [admin|viewer]',
  '       npm run org -- list',
];

class UsageError extends Error {}

const ACTOR = 'cli';

function flags(args: string[]): { positional: string[]; named: Map<string, string> } {
  const positional: string[] = [];
  const named = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eqAt = a.indexOf('=');
      if (eqAt > 0) named.set(a.slice(2, eqAt), a.slice(eqAt + 1));
      else {
        const value = args[i + 1];
        if (value === undefined) throw new UsageError(`${a} needs a value`);
        named.set(a.slice(2), value);
        i++;
      }
    } else positional.push(a);
  }
  return { positional, named };
}

function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
  },
  value: unknown,
  what: string,
): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${what}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

function role(value: string | undefined, fallback?: Role): Role {
  const v = value ?? fallback;
  if (v === 'admin' || v === 'viewer') return v;
  throw new UsageError(`role: expected admin or viewer, got "${value ?? ''}"`);
}

function known(named: Map<string, string>, allowed: string[]) {
  for (const k of named.keys()) if (!allowed.includes(k)) throw new UsageError(`unknown option --${k}`);
}

export async function runOrgCli(db: Db, argv: string[], now: number): Promise<CliResult> {
  try {
    return await run(db, argv, now);
  } catch (err) {
    if (err instanceof UsageError) return { code: 2, lines: [err.message, ...ORG_USAGE] };
    if (err instanceof OrgError) return { code: 1, lines: [err.message] };
    throw err;
  }
}

async function orgOf(db: Db, slugArg: string | undefined) {
  const slug = parse(SlugSchema, slugArg, 'slug');
  const org = await findOrgBySlug(db, slug);
  if (!org) throw new OrgError('no_org', `There is no organization "${slug}" (npm run org -- list).`);
  return org;
}

async function run(db: Db, argv: string[], now: number): Promise<CliResult> {
  const [command, ...rest] = argv;
  const { positional, named } = flags(rest);
  const who = { actor: ACTOR, now };
  switch (command) {
    case 'add': {
      known(named, ['name', 'admin', 'embed-origins']);
      const slug = parse(SlugSchema, positional[0], 'slug');
      const name = parse(OrgNameSchema, named.get('name') ?? slug, 'name');
      const admin = named.has('admin') ? parse(EmailSchema, named.get('admin'), 'admin') : undefined;
      const origins = named.has('embed-origins') ? origins_(named.get('embed-origins')!) : undefined;
      const org = await createOrganization(db, {
        slug,
        name,
        ...(admin ? { admin } : {}),
        ...who,
        via: 'cli',
      });
      if (origins) await saveOrigins(db, org.id, org.settings, origins);
      return {
        code: 0,
        lines: [`Created ${slug} ("${name}")${admin ? ` with admin ${admin}` : ''}.`],
      };
    }
    case 'set': {
      known(named, ['name', 'embed-origins']);
      const org = await orgOf(db, positional[0]);
      if (named.size === 0) throw new UsageError('set: give --name or --embed-origins');
      if (named.has('name')) {
        const name = parse(OrgNameSchema, named.get('name'), 'name');
        await db.update(organizations).set({ name }).where(eq(organizations.id, org.id));
      }
      if (named.has('embed-origins'))
        await saveOrigins(db, org.id, org.settings, origins_(named.get('embed-origins')!));
      return { code: 0, lines: [`Updated ${org.slug}.`] };
    }
    case 'member': {
      known(named, []);
      const [slug, action, emailArg, roleArg] = positional;
      const org = await orgOf(db, slug);
      const email = parse(EmailSchema, emailArg, 'email');
      if (action === 'add') {
        const r = role(roleArg, 'viewer');
        await addMember(db, { orgId: org.id, email, role: r, ...who });
        return { code: 0, lines: [`Added ${email} to ${org.slug} as ${r}.`] };
      }
      if (action === 'remove') {
        await removeMember(db, { orgId: org.id, email, ...who });
        return { code: 0, lines: [`Removed ${email} from ${org.slug}.`] };
      }
      if (action === 'role') {
        const r = role(roleArg);
        await setMemberRole(db, { orgId: org.id, email, role: r, ...who });
        return { code: 0, lines: [`${email} is now ${r} in ${org.slug}.`] };
      }
      throw new UsageError(`member: expected add, remove or role, got "${action ?? ''}"`);
    }
    case 'list': {
      const orgs = await listOrganizations(db);
      if (orgs.length === 0)
        return { code: 0, lines: ['No organizations yet (npm run org -- add <slug> ...).'] };
      const lines: string[] = [];
      for (const o of orgs) {
        const origins = parseOrgSettings(o.settings).embedAllowedOrigins;
        lines.push(
          `${o.slug}  "${o.name}"  ${o.members} member(s), ${o.admins} admin(s)${origins ? `  frame origins: ${origins.join(' ') || 'none'}` : ''}`,
        );
        for (const m of await listMembers(db, o.id)) lines.push(`  ${m.role.padEnd(6)} ${m.email}`);
      }
      return { code: 0, lines };
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

function origins_(text: string): string[] {
  try {
    return parseOriginList(text);
  } catch {
    throw new UsageError(
      'embed-origins: expected origins like https://portal.example.com, separated by spaces',
    );
  }
}

async function saveOrigins(db: Db, orgId: string, settingsJson: string, origins: string[]) {
  const settings = { ...parseOrgSettings(settingsJson), embedAllowedOrigins: origins };
  await db
    .update(organizations)
    .set({ settings: JSON.stringify(settings) })
    .where(eq(organizations.id, orgId));
}
