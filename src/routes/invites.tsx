/**
 * "Invite your admin" under /connections/bluejeans/invites: create a link,
 * list open ones, revoke. Creating answers with the page itself (201) instead of
 * a redirect, because the link can be shown only once (only its hash is kept).
 */
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { FIELD_LIMITS } from '../connections/connect-form';
import { claimForm, newFormId } from '../connections/form-claims';
import { createInvite, InviteError, listOpenInvites, revokeInvite } from '../connections/invites';
import type { AppEnv } from '../deps';
import { COPY_SCRIPT_URL } from '../lib/assets';
import { isHtmx } from '../lib/http-errors';
import { requireRole } from '../lib/roles';
import { z } from '../lib/zlite';
import { InvitesPanel, type InvitesPanelProps } from '../views/invites';
import { Layout } from '../views/layout';
import { formBodyLimit, publicOrigin, URLS } from './connection-support';
import { validate } from './validate';

type Ctx = Context<AppEnv>;

type PanelExtras = Pick<InvitesPanelProps, 'created' | 'emailValue' | 'error' | 'notice'>;

async function panel(c: Ctx, extras: PanelExtras = {}, status: ContentfulStatusCode = 200) {
  const d = c.var.deps;
  const now = d.clock.now();
  const open = await listOpenInvites(c.var.scope.db, c.var.scope.orgId, now);
  const body = (
    <InvitesPanel
      {...extras}
      invites={open.map((i) => ({
        id: i.id,
        email: i.email,
        createdBy: i.createdBy,
        createdAt: i.createdAt,
        expiresAt: i.expiresAt,
      }))}
      formId={newFormId()}
      emailProvider={false}
      now={now}
      urls={{ invites: URLS.invite }}
    />
  );
  if (isHtmx(c.req)) return c.html(body, status);
  return c.html(
    <Layout title="Invite your BlueJeans admin" scripts={[COPY_SCRIPT_URL]}>
      <p>
        <a href="/">← Connections</a>
      </p>
      <h1>Invite your BlueJeans admin</h1>
      <p>
        Connecting BlueJeans takes an enterprise administrator's App Key or login. If that is not you, create
        a link for your admin: it opens the connection form for this organization, works once, and expires
        after 7 days.
      </p>
      {body}
    </Layout>,
    status,
  );
}

const EMAIL_MESSAGE = 'Enter your admin’s email address, like admin@example.com.';

const CreateSchema = z.object({
  email: z
    .string({ error: EMAIL_MESSAGE })
    .transform((v) => v.trim())
    .pipe(
      z
        .email({ error: EMAIL_MESSAGE })
        .max(FIELD_LIMITS.email, `An email address has at most ${FIELD_LIMITS.email} characters.`),
    ),
  formId: z
    .string()
    .max(FIELD_LIMITS.formId)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional()
    .transform((v) => v || undefined),
});

/** Said to whoever revokes (the invite's messages speak to its recipient). */
const REVOKE_REFUSED: Partial<Record<InviteError['reason'], string>> = {
  revoked: 'That invite was already revoked. Nothing was changed.',
  used: 'That invite was already used to connect, so there is nothing to revoke.',
  expired: 'That invite has already expired; its link no longer works.',
};

const RevokeParams = z.object({ id: z.string().regex(/^inv_[a-z0-9]{1,40}$/) });

export const inviteRoutes = new Hono<AppEnv>()
  .get('/invites', requireRole('admin'), async (c) => {
    c.header('Cache-Control', 'no-store');
    const notice =
      c.req.query('notice') === 'revoked' ? 'The invite was revoked; its link no longer works.' : undefined;
    return panel(c, notice ? { notice } : {});
  })
  .post(
    '/invites',
    requireRole('admin'),
    formBodyLimit,
    validate('form', CreateSchema, (result, c) => {
      if (result.success) return;
      const raw = (result.data as Record<string, unknown>).email;
      const emailValue = typeof raw === 'string' && raw.length <= FIELD_LIMITS.email ? raw : undefined;
      const error =
        result.error.issues.find((i) => i.path[0] === 'email')?.message ?? 'Reload the page and try again.';
      return panel(c, { error, emailValue }, 422);
    }),
    async (c) => {
      const form = c.req.valid('form');
      const d = c.var.deps;
      const now = d.clock.now();
      const claim = await claimForm(c.var.scope.db, form.formId, now);
      if (!claim.claimed) {
        return panel(
          c,
          {
            error:
              'This form was already sent, and its invite was created once (listed below). Its link was shown only then: if it was not copied, revoke that invite and create a new one.',
          },
          409,
        );
      }
      try {
        const { token, invite } = await createInvite(c.var.scope.db, d.sealer.ring, {
          orgId: c.var.scope.orgId,
          email: form.email,
          actor: c.var.actor,
          now,
        });
        c.header('Cache-Control', 'no-store');
        const link = `${publicOrigin(c)}${URLS.connect}?invite=${token}`;
        return panel(c, { created: { email: invite.email, link, expiresAt: invite.expiresAt } }, 201);
      } catch (err) {
        await claim.release();
        if (err instanceof InviteError) return panel(c, { error: err.message, emailValue: form.email }, 409);
        throw err;
      }
    },
  )
  .post(
    '/invites/:id/revoke',
    requireRole('admin'),
    formBodyLimit,
    validate('param', RevokeParams, (result, c) => {
      if (!result.success) return panel(c, { error: 'There is no such invite.' }, 404);
    }),
    async (c) => {
      const d = c.var.deps;
      try {
        await revokeInvite(c.var.scope.db, {
          orgId: c.var.scope.orgId,
          inviteId: c.req.valid('param').id,
          actor: c.var.actor,
          now: d.clock.now(),
        });
      } catch (err) {
        if (err instanceof InviteError) {
          const missing = err.reason === 'invalid' || err.reason === 'wrong_org';
          return panel(
            c,
            { error: REVOKE_REFUSED[err.reason] ?? 'There is no such invite.' },
            missing ? 404 : 409,
          );
        }
        throw err;
      }
      if (!isHtmx(c.req)) return c.redirect(`${URLS.invite}?notice=revoked`, 303);
      return panel(c, { notice: 'The invite was revoked; its link no longer works.' });
    },
  );
