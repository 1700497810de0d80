/**
 * Reclaiming seats (admins; needs the "Allow Seatwise to remove users you approve" opt-in on Licences):
 * - `POST /licences/reclaim` with `userId` (repeated: BlueJeans user ids) or `all=reclaim` (every reclaim
 *   recommendation of the filters `q`, `status`, `feature`) and no `confirm`: the review page;
 * - the same with `confirm` (the number of users, typed back above 10) starts the job and redirects to
 *   its progress; a double submit finds the job the first one started;
 * - `GET /licences/reclaim/{jobId}`: progress per user (a fragment for htmx polling);
 * - `POST /licences/reclaim/{jobId}/cancel`: stops what has not started yet.
 * A bad selection (empty, unknown, another organization's, an admin, exempt, the connecting account)
 * answers 4xx with the reason on the page, and nothing is stored or removed.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { listUsage } from '../../db/queries/usage';
import { recordAudit } from '../connections/audit';
import type { AppEnv } from '../deps';
import { isHtmx, userError } from '../lib/http-errors';
import { grants, requireRole } from '../lib/roles';
import { z } from '../lib/zlite';
import { annualSeatPrice, formatMoney, times } from '../licences/money';
import { startReclaim } from '../reclaim/runner';
import { checkSelection, MAX_SELECTION } from '../reclaim/selection';
import { cancelJob, createJob, findTwin, jobItems, loadOwnedJob, skipUnattempted } from '../reclaim/store';
import { filterOf, type UsageScope, usageScope } from '../usage/load';
import { resolveParams, UsageQuery } from '../usage/query-params';
import { ProgressBody, ProgressPage, type ReviewModel, ReviewPage } from '../views/reclaim-pages';
import { validate } from './validate';

type Ctx = Context<AppEnv>;

const text = (max: number) => z.string().max(max).optional();

const ReclaimForm = z.object({
  userId: z.union([z.string().max(64), z.array(z.string().max(64)).max(MAX_SELECTION * 2)]).optional(),
  all: text(20),
  q: text(200),
  status: text(20),
  feature: text(40),
  confirm: text(40),
  step: text(20),
});

const JobParam = z.object({ jobId: z.string().min(1).max(64) });

function review(c: Ctx, model: ReviewModel, status: 200 | 400 | 409 | 422) {
  c.header('Cache-Control', 'no-store');
  return c.html(<ReviewPage model={model} />, status);
}

/** Removal needs the opt-in and a connection that can act; otherwise a 409 that says what to do. */
function blocker(scope: UsageScope): string | undefined {
  if (!scope.settings.allowRemoval) {
    return 'Removing users is off: Seatwise only reads. To reclaim seats, choose “Allow Seatwise to remove users you approve” in the licence settings on Licences, then select the users again. Nothing was removed.';
  }
  const row = scope.connection;
  if (!row.hasCredentials || row.state === 'disconnected') {
    return 'BlueJeans is not connected, so Seatwise cannot remove anyone. Connect it on the dashboard first. Nothing was removed.';
  }
  if (row.state === 'needs_reauth') {
    return 'BlueJeans no longer accepts the credentials Seatwise holds: click Reconnect on the dashboard first. Nothing was removed.';
  }
  return undefined;
}

/** Every reclaim recommendation of the filters (the "Review all N" button). */
async function idsOfFilter(c: Ctx, scope: UsageScope, form: z.infer<typeof ReclaimForm>): Promise<string[]> {
  const parsed = UsageQuery.safeParse({
    q: form.q,
    status: form.status,
    feature: form.feature,
    recommendation: 'reclaim',
  });
  if (!parsed.success) throw userError(400, 'Those filters could not be read. Nothing was removed.');
  const params = resolveParams(parsed.data);
  const page = await listUsage(c.var.scope.db, {
    ...filterOf(scope, params),
    sort: 'name',
    dir: 'asc',
    limit: MAX_SELECTION + 1,
    offset: 0,
  });
  return page.rows.map((r) => r.userId);
}

export const reclaimRoutes = new Hono<AppEnv>()
  .post(
    '/licences/reclaim',
    requireRole('admin'),
    bodyLimit({
      maxSize: 512 * 1024,
      onError: () => {
        throw userError(
          413,
          `That selection is far too large (at most ${MAX_SELECTION} users). Nothing was removed.`,
        );
      },
    }),
    validate('form', ReclaimForm, (result, c) => {
      if (!result.success) {
        return review(
          c,
          {
            users: [],
            refusals: [],
            error: `That selection could not be read (at most ${MAX_SELECTION} users, ids of at most 64 characters). Nothing was removed.`,
          },
          400,
        );
      }
    }),
    async (c) => {
      const d = c.var.deps;
      const form = c.req.valid('form');
      const now = d.clock.now();
      const scope = await usageScope(c.var.scope.db, c.var.scope.orgId, now);
      const blocked = blocker(scope);
      if (blocked) return review(c, { users: [], refusals: [], error: blocked }, 409);

      const ids =
        form.all === 'reclaim'
          ? await idsOfFilter(c, scope, form)
          : form.userId === undefined
            ? []
            : Array.isArray(form.userId)
              ? form.userId
              : [form.userId];
      const unique = [...new Set(ids.map((id) => id.trim()).filter((id) => id !== ''))];
      if (unique.length === 0) {
        return review(
          c,
          {
            users: [],
            refusals: [],
            error: 'Select at least one user to reclaim (tick them in the users table). Nothing was removed.',
          },
          422,
        );
      }
      if (unique.length > MAX_SELECTION) {
        return review(
          c,
          {
            users: [],
            refusals: [],
            error: `That is ${unique.length} users; one reclaim takes at most ${MAX_SELECTION}. Narrow the filters. Nothing was removed.`,
          },
          422,
        );
      }
      if (form.confirm !== undefined) {
        // A second submit of a confirmed selection (a double click, a reload) finds the first job.
        const twin = await findTwin(c.var.scope.db, scope.connectionId, unique, now);
        if (twin) return c.redirect(`/licences/reclaim/${twin}?again=1`, 303);
      }
      const checked = await checkSelection(c.var.scope.db, scope.connectionId, unique, scope.recommend);
      const { settings } = scope;
      const seat =
        settings.seatPriceMinor == null ? null : annualSeatPrice(settings.seatPriceMinor, settings.billing);
      const model: ReviewModel = {
        users: checked.users,
        refusals: checked.refusals,
        ...(seat != null
          ? {
              seatPerYear: formatMoney(seat, settings.currency),
              savingPerYear: formatMoney(times(seat, checked.users.length), settings.currency),
            }
          : {}),
      };
      if (checked.refusals.length > 0) return review(c, model, 422);
      if (form.confirm === undefined) return review(c, model, 200);

      const n = checked.users.length;
      if (form.confirm.trim() !== String(n)) {
        return review(
          c,
          {
            ...model,
            typed: form.confirm.slice(0, 40),
            error: `To confirm, type ${n}, the number of users to remove${form.confirm.trim() ? ` (you typed “${form.confirm.trim().slice(0, 20)}”)` : ''}. Nothing was removed.`,
          },
          422,
        );
      }
      const { jobId, created } = await createJob(c.var.scope.db, {
        orgId: c.var.scope.orgId,
        connectionId: scope.connectionId,
        approvedBy: c.var.actor,
        users: checked.users.map((u) => ({ userId: u.userId, email: u.email, name: u.name })),
        now,
      });
      if (created) {
        d.logger.info('reclaim started', { orgId: c.var.scope.orgId, jobId, users: n });
        await startReclaim(d, jobId);
      }
      return c.redirect(`/licences/reclaim/${jobId}${created ? '' : '?again=1'}`, 303);
    },
  )
  .get(
    '/licences/reclaim/:jobId',
    requireRole('viewer'),
    validate('param', JobParam, (result) => {
      if (!result.success) throw userError(404, 'That reclaim does not exist.');
    }),
    async (c) => {
      const { jobId } = c.req.valid('param');
      const job = await loadOwnedJob(c.var.scope, jobId);
      if (!job) throw userError(404, 'That reclaim does not exist.');
      const items = await jobItems(c.var.scope.db, job.id);
      const notice =
        c.req.query('again') === '1'
          ? 'This selection was already submitted: this is the reclaim it started.'
          : c.req.query('cancelled') === '1'
            ? 'Cancelled: users not yet removed stay in BlueJeans.'
            : undefined;
      const model = { job, items, canCancel: grants(c.var.role, 'admin'), ...(notice ? { notice } : {}) };
      c.header('Cache-Control', 'no-store');
      if (isHtmx(c.req) && c.req.header('HX-Request-Type') !== 'full')
        return c.html(<ProgressBody model={model} />);
      return c.html(<ProgressPage model={model} />);
    },
  )
  .post(
    '/licences/reclaim/:jobId/cancel',
    requireRole('admin'),
    validate('param', JobParam, (result) => {
      if (!result.success) throw userError(404, 'That reclaim does not exist.');
    }),
    async (c) => {
      const d = c.var.deps;
      const { jobId } = c.req.valid('param');
      const job = await loadOwnedJob(c.var.scope, jobId);
      if (!job) throw userError(404, 'That reclaim does not exist.');
      if (!(await cancelJob(c.var.scope, job.id))) {
        throw userError(409, 'This reclaim is not running any more, so there is nothing to cancel.');
      }
      const now = d.clock.now();
      await skipUnattempted(c.var.scope.db, job.id, 'not removed: the reclaim was cancelled', now);
      await recordAudit(c.var.scope.db, {
        orgId: c.var.scope.orgId,
        connectionId: job.connectionId,
        actor: c.var.actor,
        action: 'reclaim.cancelled',
        detail: { jobId: job.id },
        at: now,
      });
      // The runner settles a removal that was in flight and finishes the job (its event included).
      await startReclaim(d, job.id);
      return c.redirect(`/licences/reclaim/${job.id}?cancelled=1`, 303);
    },
  );
