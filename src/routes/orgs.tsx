/**
 * Organizations as people see them: `GET /orgs` (the switcher), `POST /orgs/switch`
 * (form `org` = slug; sets the `seatwise_org` choice cookie), and the Members page
 * for admins: `GET /members`, `POST /members` (`email`, `role`), `POST /members/role`
 * (`email`, `role`), `POST /members/remove` (`email`). The last admin can be neither
 * removed nor demoted; every change is in the activity log.
 */
import { type Context, Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../deps';
import { isHtmx, userError } from '../lib/http-errors';
import { requireRole } from '../lib/roles';
import { ORG_COOKIE } from '../lib/tenancy';
import { z } from '../lib/zlite';
import {
  addMember,
  EmailSchema,
  listMembers,
  OrgError,
  removeMember,
  SlugSchema,
  setMemberRole,
} from '../orgs/store';
import { MembersPage, MembersPanel, type MembersProps, OrgSwitcherPage } from '../views/members';
import { formBodyLimit, publicOrigin } from './connection-support';
import { validate } from './validate';

type Ctx = Context<AppEnv>;

async function members(c: Ctx, extra: Partial<MembersProps> = {}, status: ContentfulStatusCode = 200) {
  const { scope } = c.var;
  const rows = await listMembers(scope.db, scope.orgId);
  const props: MembersProps = {
    orgName: c.var.org?.name ?? 'this organization',
    members: rows.map((r) => ({ email: r.email, role: r.role, createdBy: r.createdBy })),
    me: c.var.actor,
    localMode: c.var.deps.config.AUTH_MODE === 'local',
    ...extra,
  };
  c.header('Cache-Control', 'no-store');
  if (isHtmx(c.req)) return c.html(<MembersPanel {...props} />, status);
  return c.html(<MembersPage {...props} />, status);
}

const MemberForm = z.object({ email: EmailSchema, role: z.enum(['admin', 'viewer']) });
const RemoveForm = z.object({ email: EmailSchema });
const SwitchForm = z.object({ org: SlugSchema });

const ORG_ERROR_STATUS: Record<OrgError['reason'], ContentfulStatusCode> = {
  exists: 409,
  member_exists: 409,
  last_admin: 409,
  no_member: 404,
  no_org: 404,
};

/** Runs a member change and answers the panel (303 to the page without htmx). */
async function change(c: Ctx, run: () => Promise<void>, notice: string, email?: string) {
  try {
    await run();
  } catch (err) {
    if (err instanceof OrgError)
      return members(c, { error: err.message, emailValue: email }, ORG_ERROR_STATUS[err.reason]);
    throw err;
  }
  if (!isHtmx(c.req)) return c.redirect('/members', 303);
  return members(c, { notice });
}

const invalid = (message: string) => async (result: { success: boolean }, c: Ctx) => {
  if (!result.success) return members(c, { error: message }, 422);
};

export const orgRoutes = new Hono<AppEnv>()
  .get('/orgs', requireRole('viewer'), (c) => {
    const memberships = c.var.memberships ?? [];
    c.header('Cache-Control', 'no-store');
    return c.html(
      <OrgSwitcherPage
        orgs={memberships.map((m) => ({
          slug: m.org.slug,
          name: m.org.name,
          role: m.role,
          current: m.org.id === c.var.scope.orgId,
        }))}
      />,
    );
  })
  .post(
    '/orgs/switch',
    requireRole('viewer'),
    formBodyLimit,
    validate('form', SwitchForm, (result) => {
      if (!result.success) throw userError(404, 'You are not a member of that organization.');
    }),
    (c) => {
      const { org } = c.req.valid('form');
      // Only an organization the person belongs to may be chosen (tenancy re-checks on every request).
      if (!(c.var.memberships ?? []).some((m) => m.org.slug === org)) {
        throw userError(404, 'You are not a member of that organization.');
      }
      setCookie(c, ORG_COOKIE, org, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: publicOrigin(c).startsWith('https:'),
        path: '/',
        maxAge: 400 * 24 * 3600,
      });
      return c.redirect('/', 303);
    },
  )
  .get('/members', requireRole('admin'), (c) => members(c))
  .post(
    '/members',
    requireRole('admin'),
    formBodyLimit,
    validate(
      'form',
      MemberForm,
      invalid('Enter an email address like alice@acme.example and choose admin or viewer.'),
    ),
    (c) => {
      const { email, role } = c.req.valid('form');
      const { scope, deps } = c.var;
      return change(
        c,
        () =>
          addMember(scope.db, { orgId: scope.orgId, email, role, actor: c.var.actor, now: deps.clock.now() }),
        `${email} was added as ${role}.`,
        email,
      );
    },
  )
  .post(
    '/members/role',
    requireRole('admin'),
    formBodyLimit,
    validate('form', MemberForm, invalid('Choose admin or viewer for a member.')),
    (c) => {
      const { email, role } = c.req.valid('form');
      const { scope, deps } = c.var;
      return change(
        c,
        () =>
          setMemberRole(scope.db, {
            orgId: scope.orgId,
            email,
            role,
            actor: c.var.actor,
            now: deps.clock.now(),
          }),
        `${email} is now ${role}.`,
      );
    },
  )
  .post(
    '/members/remove',
    requireRole('admin'),
    formBodyLimit,
    validate('form', RemoveForm, invalid('There is no such member.')),
    (c) => {
      const { email } = c.req.valid('form');
      const { scope, deps } = c.var;
      return change(
        c,
        () =>
          removeMember(scope.db, { orgId: scope.orgId, email, actor: c.var.actor, now: deps.clock.now() }),
        `${email} was removed.`,
      );
    },
  );
