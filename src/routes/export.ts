/**
 * `GET /export/bluejeans.zip` (admins): the organization's whole BlueJeans history as a streamed zip
 * (src/export/archive.ts). Each download is written to the activity log first, so the archive itself
 * records that it was taken.
 */
import { Hono } from 'hono';
import { recordAudit } from '../connections/audit';
import type { AppEnv } from '../deps';
import { archiveFileName, archiveStream } from '../export/archive';
import { requireRole } from '../lib/roles';

export const exportRoutes = new Hono<AppEnv>().get(
  '/export/bluejeans.zip',
  requireRole('admin'),
  async (c) => {
    const d = c.var.deps;
    const now = d.clock.now();
    await recordAudit(c.var.scope.db, {
      orgId: c.var.scope.orgId,
      actor: c.var.actor,
      action: 'archive.exported',
      detail: { via: 'web' },
      at: now,
    });
    d.logger.info('archive exported', { orgId: c.var.scope.orgId });
    const body = archiveStream({ scope: c.var.scope, now, version: d.version });
    return c.body(body, 200, {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${archiveFileName(c.var.scope.orgId, now)}"`,
      'Cache-Control': 'no-store',
    });
  },
);
