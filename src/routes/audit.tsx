/** GET /connections/bluejeans/audit: the organization's activity log, newest first, paged backwards. */
import { Hono } from 'hono';
import { listAudit, parseDetail } from '../connections/audit';
import { omitRevocationKeys, revocationLines } from '../connections/revocation';
import type { AppEnv } from '../deps';
import { isHtmx, userError } from '../lib/http-errors';
import { requireRole } from '../lib/roles';
import { z } from '../lib/zlite';
import { AuditLog } from '../views/audit-log';
import { Layout } from '../views/layout';
import { URLS } from './connection-support';
import { validate } from './validate';

const PAGE_SIZE = 50;

const Query = z.object({
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

export const auditRoutes = new Hono<AppEnv>().get(
  '/audit',
  requireRole('admin'),
  validate('query', Query, (result) => {
    if (!result.success) throw userError(400, 'That page of the activity log does not exist.');
  }),
  async (c) => {
    const { before } = c.req.valid('query');
    const d = c.var.deps;
    // One more than a page tells whether an "older" link is needed.
    const rows = await listAudit(c.var.scope.db, {
      orgId: c.var.scope.orgId,
      limit: PAGE_SIZE + 1,
      ...(before ? { beforeId: before } : {}),
    });
    const page = rows.slice(0, PAGE_SIZE);
    const last = page[page.length - 1];
    const olderUrl = rows.length > PAGE_SIZE && last ? `${URLS.audit}?before=${last.id}` : undefined;
    const log = (
      <AuditLog
        entries={page.map((r) => {
          const detail = parseDetail(r.detail);
          const revocation = r.action === 'connection.disconnected' ? revocationLines(detail) : undefined;
          return {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            detail: revocation ? omitRevocationKeys(detail) : detail,
            ...(revocation ? { revocation } : {}),
          };
        })}
        now={d.clock.now()}
        olderUrl={olderUrl}
      />
    );
    c.header('Cache-Control', 'no-store');
    if (isHtmx(c.req)) return c.html(log);
    return c.html(
      <Layout title="Activity log">
        <p>
          <a href="/">← Connections</a>
        </p>
        <h1>Activity log</h1>
        <p class="muted">
          Connections, reconnections, failed attempts, invites and key rotations: who, when and what. Secrets
          are never written here.
        </p>
        {log}
      </Layout>,
    );
  },
);
