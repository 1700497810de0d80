import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../deps';
import { publicRoute } from '../lib/roles';
import { lastCronRun } from '../sync/heartbeat';

/** GET /health: version, a real database round trip, and the last cron run. */
export const healthRoutes = new Hono<AppEnv>().get(
  '/health',
  publicRoute('monitors probe it without signing in; it shows no customer data'),
  async (c) => {
    const { db, version, clock, logger } = c.var.deps;
    const started = clock.now();
    try {
      const row = await db.get<{ one: number }>(sql`select 1 as one`);
      const lastCron = await lastCronRun(db);
      c.header('Cache-Control', 'no-store');
      return c.json({
        status: 'ok',
        version,
        db: { ok: row?.one === 1, latencyMs: clock.now() - started },
        lastCron,
      });
    } catch (err) {
      logger.error('health: database round trip failed', { requestId: c.var.requestId, err });
      c.header('Cache-Control', 'no-store');
      return c.json({ status: 'degraded', version, db: { ok: false, error: 'database unreachable' } }, 503);
    }
  },
);
