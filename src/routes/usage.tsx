/**
 * BlueJeans licence usage: `GET /usage/users` (page, or the results fragment for
 * htmx), `GET /usage/users.csv` (every filtered row, streamed) and
 * `POST /usage/settings` (the inactivity threshold).
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { listUsage, setInactiveAfterDays } from '../../db/queries/usage';
import { getOrCreateConnection } from '../connections/store';
import type { AppEnv } from '../deps';
import { pooledHtml } from '../lib/html-response';
import { isHtmx, userError } from '../lib/http-errors';
import { grants, requireRole } from '../lib/roles';
import { z } from '../lib/zlite';
import { THRESHOLDS } from '../usage/activity';
import { dayKey } from '../usage/charts';
import { csvStream } from '../usage/csv-export';
import { matchesEtag, REVALIDATE_HEADERS, usageEtag } from '../usage/etag';
import { loadFreshness } from '../usage/freshness';
import {
  filterOf,
  loadPage,
  loadUsageModel,
  type ScopeOptions,
  type UsageScope,
  usageScope,
} from '../usage/load';
import { describeIssues, resolveParams, type UsageParams, UsageQuery, usageUrl } from '../usage/query-params';
import { FRESHNESS_URL, UsageFreshness } from '../views/usage-freshness';
import { UsageBody, UsageEmpty, UsagePage } from '../views/usage-page';
import { ResultsAnnouncement, resultsSummary, UsageResults } from '../views/usage-table';
import { validate } from './validate';

type Ctx = Context<AppEnv>;

/** A fragment only for targeted htmx swaps; history restores and body swaps want the whole page. */
function wantsFragment(c: Ctx): boolean {
  return (
    isHtmx(c.req) &&
    c.req.header('HX-History-Restore-Request') !== 'true' &&
    c.req.header('HX-Request-Type') !== 'full'
  );
}

const queryValidator = validate('query', UsageQuery, (result) => {
  if (!result.success) throw userError(400, describeIssues(result.error));
});

const SettingsForm = z.object({
  inactiveAfterDays: z.enum(THRESHOLDS.map(String) as [string, ...string[]]).transform(Number),
});

/** Reclaim checkboxes: for admins who allowed Seatwise to remove users. */
function canSelect(c: Ctx, scope: UsageScope): boolean {
  return grants(c.get('role'), 'admin') && scope.settings.allowRemoval;
}

/**
 * Sets the ETag and caching headers of a usage response, and answers 304 when the client already has
 * this very response (nothing else is read or rendered then).
 */
function revalidate(c: Ctx, scope: UsageScope, shape: 'page' | 'fragment' | 'csv', query: string) {
  const etag = usageEtag(scope, {
    shape,
    orgId: c.get('scope').orgId,
    role: c.get('role'),
    canSelect: canSelect(c, scope),
    query,
  });
  for (const [k, v] of Object.entries(REVALIDATE_HEADERS)) c.header(k, v);
  c.header('ETag', etag);
  if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
  return undefined;
}

/** Usage views may serve the rows last built while a sync writes; a rebuild then runs past the response. */
function whileSyncing(c: Ctx): ScopeOptions {
  return {
    whileSyncing: {
      background: (work) => {
        // Workers end an invocation's work with its response unless handed to waitUntil; Node and
        // Deno have no execution context (Hono's getter throws) and simply keep running it.
        try {
          c.executionCtx.waitUntil(work);
        } catch {
          // No execution context: nothing to extend.
        }
      },
    },
  };
}

/** The ETag again when the rows were read at another summary state than the scope's (a rebuild landed). */
function retag(c: Ctx, before: UsageScope, read: UsageScope, shape: 'page' | 'fragment', query: string) {
  if (read === before) return;
  c.header(
    'ETag',
    usageEtag(read, {
      shape,
      orgId: c.get('scope').orgId,
      role: c.get('role'),
      canSelect: canSelect(c, read),
      query,
    }),
  );
}

const DEFAULT_PARAMS: UsageParams = resolveParams(UsageQuery.parse({}));

/** The settings form answer: the usage body for htmx, the full page otherwise. */
async function renderBody(
  c: Ctx,
  extra: { settingsError?: string; notice?: string },
  status: 200 | 422,
): Promise<Response> {
  const d = c.get('deps');
  const scope = await usageScope(c.get('scope').db, c.get('scope').orgId, d.clock.now());
  const model = { ...(await loadUsageModel(c.get('scope').db, scope, DEFAULT_PARAMS)), ...extra };
  c.header('Cache-Control', 'no-store');
  if (isHtmx(c.req)) {
    return c.html(model.summary.total === 0 ? <UsageEmpty /> : <UsageBody model={model} />, status);
  }
  return c.html(<UsagePage model={model} />, status);
}

export const usageRoutes = new Hono<AppEnv>()
  // The freshness line and sync banner: polled while a sync runs, never cached (it is live state).
  .get(FRESHNESS_URL, requireRole('viewer'), async (c) => {
    const d = c.get('deps');
    const now = d.clock.now();
    const row = await getOrCreateConnection(c.get('scope').db, c.get('scope').orgId, 'bluejeans');
    const f = await loadFreshness(c.get('scope').db, row, now, {
      wasSyncing: c.req.query('was') === 'syncing',
    });
    // "See usage" reloads the page the banner is on (same origin only), else the users table.
    const current = c.req.header('HX-Current-URL');
    let pageUrl = '/usage/users';
    if (current) {
      const u = new URL(current, c.req.url);
      if (
        u.origin === new URL(c.req.url).origin &&
        (u.pathname.startsWith('/usage/') || u.pathname === '/licences')
      )
        pageUrl = u.pathname + u.search;
    }
    c.header('Cache-Control', 'no-store');
    return c.html(<UsageFreshness f={f} pageUrl={pageUrl} />);
  })
  .get('/usage/users', requireRole('viewer'), queryValidator, async (c) => {
    const d = c.get('deps');
    const params = resolveParams(c.req.valid('query'));
    const scope = await usageScope(c.get('scope').db, c.get('scope').orgId, d.clock.now(), whileSyncing(c));
    const fragment = wantsFragment(c);
    const query = usageUrl(params);
    const unchanged = revalidate(c, scope, fragment ? 'fragment' : 'page', query);
    if (unchanged) return unchanged;
    if (fragment) {
      const page = await loadPage(c.get('scope').db, scope, params);
      retag(c, scope, page.scope, 'fragment', query);
      return pooledHtml(
        c,
        <>
          <UsageResults
            rows={page.rows}
            total={page.total}
            params={params}
            now={scope.now}
            periodDays={scope.thresholdDays}
            recommend={scope.recommend}
            canSelect={canSelect(c, scope)}
            canArchive={grants(c.get('role'), 'admin')}
          />
          <ResultsAnnouncement text={resultsSummary(page.total, params.page, page.rows.length)} oob />
        </>,
      );
    }
    const loaded = await loadUsageModel(c.get('scope').db, scope, params);
    if (loaded.scope) retag(c, scope, loaded.scope, 'page', query);
    const model = {
      ...loaded,
      canSelect: canSelect(c, scope),
      canArchive: grants(c.get('role'), 'admin'),
      role: c.get('role'),
    };
    return pooledHtml(c, <UsagePage model={model} />);
  })
  .get('/usage/users.csv', requireRole('viewer'), queryValidator, async (c) => {
    const d = c.get('deps');
    const params = resolveParams(c.req.valid('query'));
    // One scope for the whole file, so every page uses the same period and cutoff.
    const scope = await usageScope(c.get('scope').db, c.get('scope').orgId, d.clock.now(), whileSyncing(c));
    const unchanged = revalidate(c, scope, 'csv', usageUrl(params));
    if (unchanged) return unchanged;
    const base = { ...filterOf(scope, params), sort: params.sort, dir: params.dir };
    const body = csvStream(
      (offset, limit) => listUsage(c.get('scope').db, { ...base, offset, limit }),
      scope.now,
      undefined,
      scope.recommend,
    );
    return c.body(body, 200, {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': `attachment; filename="seatwise-bluejeans-users-${dayKey(scope.now)}.csv"`,
    });
  })
  .post(
    '/usage/settings',
    requireRole('admin'),
    bodyLimit({
      maxSize: 4 * 1024,
      onError: () => {
        throw userError(413, 'That form was far larger than the settings form. Nothing was saved.');
      },
    }),
    validate('form', SettingsForm, async (result, c) => {
      if (!result.success) {
        return renderBody(
          c,
          { settingsError: `Choose ${THRESHOLDS.join(', ')} days. The threshold was not changed.` },
          422,
        );
      }
    }),
    async (c) => {
      const { inactiveAfterDays } = c.req.valid('form');
      const d = c.get('deps');
      await setInactiveAfterDays(c.get('scope').db, c.get('scope').orgId, inactiveAfterDays);
      d.logger.info('usage threshold saved', { orgId: c.get('scope').orgId, inactiveAfterDays });
      if (!isHtmx(c.req)) return c.redirect('/usage/users', 303);
      // The body comes back unfiltered, so the address bar should say so too.
      c.header('HX-Replace-Url', '/usage/users');
      return renderBody(c, { notice: `Saved: a seat is now inactive after ${inactiveAfterDays} days.` }, 200);
    },
  );
