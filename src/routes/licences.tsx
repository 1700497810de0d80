/**
 * Licences and savings: `GET /licences` (figures, plan terms, settings), `POST /licences/settings`
 * (admins; a 422 with a message per bad field, nothing saved) and `GET /licences/summary.json` (the
 * same figures for scripts and portals, same sign-in). Reclaim routes live in reclaim.tsx.
 */

import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getLicenceSettings, saveLicenceSettings } from '../../db/queries/licences';
import { recordAudit } from '../connections/audit';
import { getOrCreateConnection } from '../connections/store';
import type { AppEnv } from '../deps';
import { userError } from '../lib/http-errors';
import { grants, requireRole } from '../lib/roles';
import {
  type FieldErrors,
  SettingsForm,
  type SettingsFormInput,
  validateSettings,
} from '../licences/settings';
import { loadLicenceSummary, summaryJson } from '../licences/summary';
import { recentJobs } from '../reclaim/store';
import { loadFreshness } from '../usage/freshness';
import { LicencesPage } from '../views/licences-page';
import { RecentJobs } from '../views/reclaim-pages';
import { validate } from './validate';

type Ctx = Context<AppEnv>;

/** The full page, optionally with a refused form or a notice. */
export async function renderLicences(
  c: Ctx,
  extra: { form?: SettingsFormInput; errors?: FieldErrors; notice?: string } = {},
  status: 200 | 422 = 200,
): Promise<Response> {
  const d = c.var.deps;
  const [summary, jobs, connection] = await Promise.all([
    loadLicenceSummary(c.var.scope.db, c.var.scope.orgId, d.clock.now()),
    recentJobs(c.var.scope),
    getOrCreateConnection(c.var.scope.db, c.var.scope.orgId, 'bluejeans'),
  ]);
  const freshness = await loadFreshness(c.var.scope.db, connection, d.clock.now());
  c.header('Cache-Control', 'no-store');
  return c.html(
    <LicencesPage
      model={{
        summary,
        role: c.var.role,
        canEdit: grants(c.var.role, 'admin'),
        jobs: <RecentJobs jobs={jobs} />,
        freshness,
        ...extra,
      }}
    />,
    status,
  );
}

export const licenceRoutes = new Hono<AppEnv>()
  .get('/licences', requireRole('viewer'), (c) =>
    renderLicences(c, c.req.query('saved') === '1' ? { notice: 'Licence settings saved.' } : {}),
  )
  .get('/licences/summary.json', requireRole('viewer'), async (c) => {
    const d = c.var.deps;
    const summary = await loadLicenceSummary(c.var.scope.db, c.var.scope.orgId, d.clock.now());
    c.header('Cache-Control', 'no-store');
    return c.json(summaryJson(summary));
  })
  .post(
    '/licences/settings',
    requireRole('admin'),
    bodyLimit({
      // 1,000 exemption lines of up to 254 characters, and the other fields.
      maxSize: 320 * 1024,
      onError: () => {
        throw userError(413, 'That form was far larger than the licence settings form. Nothing was saved.');
      },
    }),
    validate('form', SettingsForm, async (result, c) => {
      if (!result.success) {
        const fields = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? '')))];
        const errors: FieldErrors = {};
        for (const f of fields) {
          (errors as Record<string, string>)[f] =
            f === 'exempt' ? 'The exemption list is far too long.' : 'That value is far too long.';
        }
        return renderLicences(c, { errors }, 422);
      }
    }),
    async (c) => {
      const d = c.var.deps;
      const form = c.req.valid('form');
      const current = await getLicenceSettings(c.var.scope.db, c.var.scope.orgId);
      const result = validateSettings(form, current);
      if (!result.ok) return renderLicences(c, { form, errors: result.errors }, 422);
      const now = d.clock.now();
      const next = result.settings;
      await saveLicenceSettings(c.var.scope.db, c.var.scope.orgId, next, c.var.actor, now);
      const connection = await getOrCreateConnection(c.var.scope.db, c.var.scope.orgId, 'bluejeans');
      await recordAudit(c.var.scope.db, {
        orgId: c.var.scope.orgId,
        connectionId: connection.id,
        actor: c.var.actor,
        action: 'licences.settings_saved',
        detail: { plan: next.plan, currency: next.currency, billing: next.billing },
        at: now,
      });
      if (next.allowRemoval !== current.allowRemoval) {
        await recordAudit(c.var.scope.db, {
          orgId: c.var.scope.orgId,
          connectionId: connection.id,
          actor: c.var.actor,
          action: next.allowRemoval ? 'licences.removal_allowed' : 'licences.removal_revoked',
          at: now,
        });
      }
      d.logger.info('licence settings saved', { orgId: c.var.scope.orgId });
      return c.redirect('/licences?saved=1', 303);
    },
  );
